"""`clc-ledger scheduler`, for real: started as a separate process (or two) against the test
database, checked through what it leaves in job_runs, the outbox and the SMTP server."""
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clc_ledger.db import transactional
from clc_ledger.extensions import db
from clc_ledger.jobs.models import JobRun
from clc_ledger.jobs.runs import acquire_lease
from clc_ledger.jobs.scheduler import CATCH_UP, build_scheduler
from clc_ledger.notifications import outbox
from clc_ledger.notifications.models import OutboxMessage

CLC_LEDGER = Path(sys.executable).parent / "clc-ledger"
LA = ZoneInfo("America/Los_Angeles")
FROZEN = "2026-12-11T20:00:00+00:00"  # 30 days before 2027-01-10


class Scheduler:
    """One `clc-ledger scheduler` process, its output in a file."""

    def __init__(self, name, database_url, tmp_path, mail_url):
        self.log_path = tmp_path / f"{name}.log"
        env = {**os.environ, "CLC_DATABASE_URL": database_url, "CLC_TESTING": "1", "CLC_MAIL_URL": mail_url,
               "CLC_INSTANCE_PATH": str(tmp_path / name), "CLC_TIMEZONE": "America/Los_Angeles"}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([str(CLC_LEDGER), "scheduler"], env=env, stdout=log,
                                            stderr=subprocess.STDOUT)

    @property
    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log:
                return
            if self.process.poll() is not None:
                pytest.fail(f"scheduler exited ({self.process.returncode}):\n{self.log}")
            time.sleep(0.1)
        pytest.fail(f"no {text!r} within {timeout} s:\n{self.log}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                pytest.fail(f"scheduler ignored SIGTERM:\n{self.log}")
        return self.process.returncode


@pytest.fixture
def schedulers(database_url, tmp_path):
    started = []

    def start(name, mail_url):
        db.session.commit()
        scheduler = Scheduler(name, database_url, tmp_path, mail_url)
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        if scheduler.process.poll() is None:
            scheduler.process.kill()
            scheduler.process.wait(timeout=10)


@transactional
def _enqueue(count):
    for i in range(count):
        outbox.enqueue(to=f"person{i}@example.com", subject=f"Queued {i}", text="x")


def _runs():
    db.session.rollback()
    return db.session.scalars(select(JobRun).order_by(JobRun.id)).all()


def test_on_start_it_catches_up_every_job_then_stops_cleanly_on_sigterm(api, smtp, schedulers):  # noqa: F811
    company = api.company()
    api.person("carla", "captain", company["id"])
    api.set_clock("2026-02-01T20:00:00+00:00")
    api.sales_order("SO-104233", company["id"], "100.00", invoice_date="2026-01-10")
    api.set_clock(FROZEN)
    _enqueue(2)

    scheduler = schedulers("one", smtp.url)
    scheduler.wait_for("catch-up done")
    assert scheduler.stop() == 0
    assert "scheduler stopped" in scheduler.log

    runs = _runs()
    assert sorted(run.name for run in runs) == sorted(CATCH_UP)  # each once, nothing else yet
    by_name = {run.name: run for run in runs}
    assert {run.trigger for run in runs} == {"scheduler"}
    assert {run.as_of for run in runs} == {datetime.fromisoformat(FROZEN)}  # the test clock's "now"
    assert all(run.finished_at is not None and run.status in ("ok", "error") for run in runs)
    assert by_name["expiry-reminders"].status == "ok"
    assert by_name["expiry-reminders"].result["reminders_enqueued"] == 1
    # deliver-outbox runs last in the catch-up: the reminder went out with the queued mail.
    # (The other jobs may mail too, e.g. the monthly statements: everything queued went.)
    db.session.rollback()
    queued = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in queued} == {"sent"}
    assert by_name["deliver-outbox"].result["sent"] == len(queued) == len(smtp.messages)
    assert sorted(m.message_id for m in queued) == sorted(smtp.message_ids())
    subjects = [m["Subject"] for m in smtp.messages]
    assert {"100.00 CLC on sales order SO-104233 expire in 30 days", "Queued 0", "Queued 1"} <= set(subjects)
    # A job whose code is missing or broken is logged and recorded, and the rest still ran.
    for run in runs:
        if run.status == "error":
            assert run.error and f"job {run.name}: error" in scheduler.log


def test_two_schedulers_never_run_the_same_job_at_once_nor_send_twice(app, smtp, schedulers):  # noqa: F811
    _enqueue(25)
    assert acquire_lease("monthly-statements", "another-host:1")  # held elsewhere for an hour
    db.session.commit()

    first, second = schedulers("first", smtp.url), schedulers("second", smtp.url)
    for scheduler in (first, second):
        scheduler.wait_for("catch-up done")
    assert first.stop() == 0 and second.stop() == 0

    runs = _runs()
    assert "monthly-statements" not in {run.name for run in runs}
    for scheduler in (first, second):
        assert "job monthly-statements: skipped" in scheduler.log
        assert "another-host:1" in scheduler.log
    assert {run.name for run in runs} == set(CATCH_UP) - {"monthly-statements"}
    for name in {run.name for run in runs}:
        spans = sorted((run.started_at, run.finished_at) for run in runs if run.name == name)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, f"two runs of {name} overlapped"
    assert len(smtp.messages) == 25
    assert len(set(smtp.message_ids())) == 25
    db.session.rollback()
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_the_schedule_runs_in_the_program_time_zone(app):
    scheduler = build_scheduler(app, catch_up_on_start=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(CATCH_UP)
    after = datetime(2027, 2, 28, 23, 0, tzinfo=LA)
    fire = {name: job.trigger.get_next_fire_time(None, after) for name, job in jobs.items()}
    assert fire["expire-credits"] == datetime(2027, 3, 1, 0, 1, tzinfo=LA)
    assert fire["expire-credits"].astimezone(UTC) == datetime(2027, 3, 1, 8, 1, tzinfo=UTC)
    assert fire["monthly-statements"] == datetime(2027, 3, 1, 3, 0, tzinfo=LA)
    assert fire["expiry-reminders"].date() == fire["age-pending-debits"].date() == datetime(2027, 3, 1).date()
    assert str(scheduler.timezone) == "America/Los_Angeles"
    assert scheduler._job_defaults["coalesce"] is True
    assert scheduler._job_defaults["max_instances"] == 1
    assert scheduler._job_defaults["misfire_grace_time"] >= 3600


def test_the_scheduler_command_is_registered(app):
    assert "scheduler" in app.cli.list_commands(None)
