"""R-JOB-1: a job's lock dies with its process. A scheduler killed with SIGKILL in the middle
of the monthly statements blocks them for at most one lease length: another scheduler takes
the job over within two, marks the dead run `died`, and issues what was left; no statement
and no mail is lost or doubled (R-STM-2, R-NOT-2)."""
import signal
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from clc_ledger.db import utcnow_real
from clc_ledger.extensions import db
from clc_ledger.jobs.models import JobRun
from clc_ledger.notifications.models import OutboxMessage
from clc_ledger.statements.models import Statement

from .test_scheduler import schedulers  # noqa: F401  (the fixture)

LEASE_SECONDS = 3
# Enough statements that the run commits several groups of companies (10 a transaction on
# SQLite, 50 on PostgreSQL) and is killed between two of them.
COMPANIES = 100
MONTHS = 6  # July to December 2026, all due on 1 Jan 2027
FAST = {"CLC_JOB_LEASE_SECONDS": str(LEASE_SECONDS), "CLC_SCHEDULER_TICK_SECONDS": "0.5"}


def statements_run(status=None):
    db.session.rollback()
    query = select(JobRun).where(JobRun.name == "monthly-statements").order_by(JobRun.id)
    if status:
        query = query.where(JobRun.status == status)
    return db.session.scalars(query).all()


def statement_count():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Statement))


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{what}: not within {timeout} s")


def test_R_JOB_1_a_scheduler_killed_mid_run_is_taken_over_within_two_lease_lengths(api, smtp, schedulers):  # noqa: F811
    api.set_clock("2026-07-10T10:00:00-07:00")
    for number in range(COMPANIES):
        company = api.company(name=f"Tenant{number:03d} Ltd")
        api.sales_order(f"SO-K{number:03d}", company["id"], "100.00", booked_on="2026-06-20",
                        invoice_date="2026-07-01")
    api.set_clock("2027-01-01T09:00:00-08:00")
    total = COMPANIES * MONTHS

    started = [schedulers("a", smtp.url, **FAST), schedulers("b", smtp.url, **FAST)]
    for scheduler in started:
        scheduler.wait_for("scheduler started", timeout=120)

    def running_holder():
        running = statements_run("running")
        return running and statement_count() > 0 and running[0].holder

    holder = wait_until(running_holder, 120, "a scheduler issuing statements")
    [first] = [s for s in started if f":{s.process.pid}:" in holder]
    [second] = [s for s in started if s is not first]
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    killed_at = utcnow_real()
    if statement_count() >= total:
        pytest.fail("the run ended before the kill: give it more companies")

    def taken_over():
        return [run for run in statements_run() if f":{second.process.pid}:" in (run.holder or "")]

    [takeover] = wait_until(taken_over, 4 * LEASE_SECONDS + 30, "the second scheduler taking the job over")
    assert takeover.started_at - killed_at <= timedelta(seconds=2 * LEASE_SECONDS)
    wait_until(lambda: statements_run("ok"), 180, "the statements run finishing")
    [dead] = [run for run in statements_run() if f":{first.process.pid}:" in (run.holder or "")]
    assert dead.status == "died" and dead.finished_at is not None
    assert second.stop() == 0

    # Every statement exactly once, each with exactly one email, delivered once.
    db.session.rollback()
    per_month = db.session.execute(select(Statement.company_id, Statement.period, func.count())
                                   .group_by(Statement.company_id, Statement.period)).all()
    assert len(per_month) == total and {count for *_key, count in per_month} == {1}
    response = api.admin.post("/api/v1/jobs/deliver-outbox/run")
    assert response.status_code == 200
    db.session.rollback()
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("statement:%"))).all()
    assert len(mails) == total and {mail.status for mail in mails} == {"sent"}
    delivered = [m for m in smtp.messages if "statement" in m["Subject"].lower()]
    assert len(delivered) == total and len({m["Message-ID"] for m in delivered}) == total
