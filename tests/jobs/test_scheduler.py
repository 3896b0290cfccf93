"""`clc-ledger scheduler`, for real: started as a separate process (or two) against the test
database, checked through what it leaves in job_runs, the outbox and the SMTP server."""
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clc_ledger.db import transactional
from clc_ledger.extensions import db
from clc_ledger.jobs.models import JobRun, JobSchedule
from clc_ledger.jobs.runs import acquire_lease
from clc_ledger.jobs.scheduler import CATCH_UP, build_scheduler, tick_job
from clc_ledger.notifications import outbox
from clc_ledger.notifications.models import OutboxMessage

CLC_LEDGER = Path(sys.executable).parent / "clc-ledger"
LA = ZoneInfo("America/Los_Angeles")
FROZEN = "2026-12-11T20:00:00+00:00"  # 30 days before 2027-01-10


class Scheduler:
    """One `clc-ledger scheduler` process, its output in a file."""

    def __init__(self, name, database_url, tmp_path, mail_url, **extra_env):
        self.log_path = tmp_path / f"{name}.log"
        env = {**os.environ, "CLC_DATABASE_URL": database_url, "CLC_TESTING": "1", "CLC_MAIL_URL": mail_url,
               "CLC_INSTANCE_PATH": str(tmp_path / name), "CLC_TIMEZONE": "America/Los_Angeles", **extra_env}
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

    def start(name, mail_url, **extra_env):
        db.session.commit()
        scheduler = Scheduler(name, database_url, tmp_path, mail_url, **extra_env)
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
        outbox.enqueue_emails([outbox.Email(f"person{i}@example.com", f"Queued {i}", "x", None, [], f"queued:{i}")])


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
    assert {run.name: run.status for run in runs if run.finished_at is not None} == {name: "ok" for name in CATCH_UP}
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
    assert acquire_lease("monthly-statements", "another-host:1", timedelta(hours=1))  # held elsewhere, alive
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


def _schedule_state(name):
    db.session.rollback()
    return db.session.get(JobSchedule, name, populate_existing=True)


def test_R_JOB_1_a_tick_runs_a_daily_job_once_per_local_day_and_records_the_date_done(api):
    app = api.app
    api.set_clock("2027-03-13T23:59:00-08:00")  # the evening before LA's spring change
    assert tick_job(app, "expire-credits") == "ok"
    assert _schedule_state("expire-credits").done_through == date(2027, 3, 13)
    assert tick_job(app, "expire-credits") is None  # done for the 13th
    api.set_clock("2027-03-14T00:00:30-08:00")  # 12:00:30 a.m.: not yet 12:01
    assert tick_job(app, "expire-credits") is None
    api.set_clock("2027-03-14T00:01:00-08:00")
    assert tick_job(app, "expire-credits") == "ok"
    api.set_clock("2027-03-15T00:01:00-07:00")  # the day after the 23-hour day
    assert tick_job(app, "expire-credits") == "ok"
    assert _schedule_state("expire-credits").done_through == date(2027, 3, 15)
    db.session.rollback()
    assert [run.as_of.astimezone(LA).date() for run in _runs()] == [date(2027, 3, 13), date(2027, 3, 14),
                                                                      date(2027, 3, 15)]


def test_R_JOB_2_a_partial_run_leaves_its_date_not_done_and_is_retried_after_the_retry_delay(api, monkeypatch):
    app = api.app
    app.config["CLC_JOB_RETRY_SECONDS"] = 0.5
    api.set_clock("2027-03-01T06:00:00-08:00")
    outcomes = iter([{"failed": [{"company_id": 7}]}, {"failed": []}])
    monkeypatch.setattr("clc_ledger.statements.services.run_monthly_statements", lambda now: next(outcomes))
    assert tick_job(app, "monthly-statements") == "partial"
    assert _schedule_state("monthly-statements").done_through is None
    assert tick_job(app, "monthly-statements") is None  # waits for the retry delay
    time.sleep(0.6)
    assert tick_job(app, "monthly-statements") == "ok"
    assert _schedule_state("monthly-statements").done_through == date(2027, 3, 1)
    assert [run.status for run in _runs()] == ["partial", "ok"]


def test_the_scheduler_keeps_time_in_utc_ticks_and_leaves_due_dates_to_the_calendar(app):
    scheduler = build_scheduler(app, catch_up_on_start=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(CATCH_UP)
    assert str(scheduler.timezone) == "UTC"
    assert {type(job.trigger).__name__ for job in jobs.values()} == {"IntervalTrigger"}
    assert scheduler._job_defaults["coalesce"] is True
    assert scheduler._job_defaults["max_instances"] == 1


def test_the_scheduler_command_is_registered(app):
    assert "scheduler" in app.cli.list_commands(None)
