"""`clc-ledger scheduler`: the job process.

Run exactly one kind of thing: this process, never inside web workers. Running two of them
(e.g. on two hosts) is safe: each run takes the job's lease in the database, and the second
process skips a job the first one is running. Every job is idempotent, so a job run again
after the other process finished it does nothing more.

Schedule, in CLC_TIMEZONE (the program's time zone), local wall time:
  expire-credits       every day from 00:01 (R-EXP-1: credits expire at 12:01 a.m.)
  age-pending-debits   every day from 06:00
  expiry-reminders     every day from 06:05
  monthly-statements   every 1st from 03:00
  lapse-planned-claims every day from 06:10 (R-CEL-3)
  learning-reminders   every day from 06:15 (R-CRN-1, R-CEL-4)
  deliver-outbox       every minute
How (R-JOB-1): no cron trigger. Every CLC_SCHEDULER_TICK_SECONDS (20) each daily or monthly
job asks jobs/calendar.py for its latest local due date, and runs if that date is later than
the last one it completed (`job_schedule.done_through`, in the database, shared by every
scheduler process). So a job runs once on every local day (or 1st) in any IANA zone, days
of 23 or 25 hours and clocks that skip midnight included, and a day missed while nothing ran
is caught up at the next tick, on start too: the start runs one pass over the jobs in the
order above (expiry before statements), then the outbox. A run that ends `partial` or
`error` leaves its date not done and is run again after CLC_JOB_RETRY_SECONDS (300)
(R-JOB-2). The clock read is the program's one clock (the test clock when one is set).
"""
import logging
import signal
import threading
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import clock
from ..db import transactional, utcnow_real
from ..extensions import db
from . import TABLE, run_job
from .calendar import due_date
from .models import JobSchedule
from .runs import JobBusy, run_status

log = logging.getLogger("clc_ledger.scheduler")

# In catch-up order (jobs.TABLE): the daily and monthly jobs, then the outbox.
CATCH_UP = tuple(job.name for job in sorted(TABLE, key=lambda job: job.catch_up))
SCHEDULE = {job.name: job.schedule for job in sorted(TABLE, key=lambda job: job.catch_up) if job.schedule is not None}
OUTBOX_EVERY = timedelta(minutes=1)


def run_scheduled(app, name):
    """Run one job in its own app context; never raises (the scheduler must keep going).
    Returns the run's status ("ok", "partial", "error") or "skipped"."""
    with app.app_context():
        try:
            result = run_job(name, trigger="scheduler")
        except JobBusy as busy:
            log.info("job %s: skipped, %s", name, busy.message)
            return "skipped"
        except Exception:
            log.exception("job %s: error", name)
            return "error"
        finally:
            db.session.remove()
        status = run_status(result)
        log.info("job %s: %s %s", name, status, _brief(result))
        return status


def _brief(result):
    """The result for the log: long lists (a statements run names every statement) counted."""
    return {key: f"[{len(value)} items]" if isinstance(value, list) and len(value) > 10 else value
            for key, value in result.items()}


def tick_job(app, name):
    """Run the scheduled job `name` if its latest local due date is not done yet (and no retry
    is waiting); record the date done when the run is `ok`. Returns the outcome or None."""
    with app.app_context():
        try:
            due, state = _due_now(name)
            if state is not None and state.done_through is not None and due <= state.done_through:
                return None
            if state is not None and state.retry_at is not None and utcnow_real() < state.retry_at:
                return None
        except Exception:
            log.exception("job %s: could not read its schedule", name)
            return None
        finally:
            db.session.remove()
    outcome = run_scheduled(app, name)
    if outcome == "skipped":
        return outcome
    with app.app_context():
        try:
            _record(name, due, outcome)
        except Exception:  # the database may be down: the date stays not done, the job runs again
            log.exception("job %s: could not record its run", name)
        finally:
            db.session.remove()
    return outcome


def _due_now(name):
    due = due_date(SCHEDULE[name], clock.now().astimezone(clock.zone()))
    return due, db.session.get(JobSchedule, name, populate_existing=True)


@transactional
def _record(name, due, outcome):
    state = db.session.get(JobSchedule, name, populate_existing=True, with_for_update=True)
    if state is None:
        state = JobSchedule(name=name)
        db.session.add(state)
    now = utcnow_real()
    state.updated_at = now
    if outcome == "ok":
        if state.done_through is None or due > state.done_through:
            state.done_through = due
        state.retry_at = None
    else:
        retry = float(current_app.config["CLC_JOB_RETRY_SECONDS"])
        state.retry_at = now + timedelta(seconds=retry)


def tick_outbox(app):
    return run_scheduled(app, "deliver-outbox")


def catch_up(app):
    """One pass over every job, in order: what is due since the last run is done now."""
    outcomes = {name: tick_job(app, name) or "done already" for name in SCHEDULE}
    outcomes["deliver-outbox"] = tick_outbox(app)
    log.info("catch-up done: %s", ", ".join(f"{name} {outcome}" for name, outcome in outcomes.items()))
    return outcomes


def build_scheduler(app, *, catch_up_on_start=True):
    """An APScheduler BlockingScheduler that only keeps time in UTC intervals: one tick per
    scheduled job (each in its own thread, so hours of statements hold up no daily job) and
    the outbox every minute. What is due is decided by tick_job, not by a trigger."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    tick = float(app.config["CLC_SCHEDULER_TICK_SECONDS"])
    scheduler = BlockingScheduler(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(max_workers=len(SCHEDULE) + 2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    start = datetime.now(UTC) + timedelta(seconds=tick if catch_up_on_start else 0)
    for name in SCHEDULE:
        scheduler.add_job(tick_job, "interval", args=(app, name), id=name, name=name, seconds=tick,
                          next_run_time=start)
    scheduler.add_job(tick_outbox, "interval", args=(app,), id="deliver-outbox", name="deliver-outbox",
                      seconds=OUTBOX_EVERY.total_seconds(),
                      next_run_time=datetime.now(UTC) + (OUTBOX_EVERY if catch_up_on_start else timedelta(0)))
    if catch_up_on_start:
        scheduler.add_job(catch_up, "date", args=(app,), id="catch-up", name="catch-up",
                          run_date=datetime.now(UTC))
    return scheduler


@click.command("scheduler")
@click.option("--once", is_flag=True,
              help="Run every job that is due, once, in order, and exit (1 if one failed or was partial).")
@with_appcontext
def scheduler_command(once):
    """Run the job scheduler (its own process): expiry, reminders, statements, the outbox."""
    app = current_app._get_current_object()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("clc_ledger").setLevel(logging.INFO)
    if once:
        outcomes = catch_up(app)
        raise SystemExit(1 if {"error", "partial"} & set(outcomes.values()) else 0)
    scheduler = build_scheduler(app)

    def stop(signum, _frame):
        log.info("signal %s: stopping the scheduler", signum)
        # shutdown() waits for running jobs; do it off the signal handler's stack.
        threading.Thread(target=scheduler.shutdown, name="scheduler-shutdown").start()

    signal.signal(signal.SIGTERM, stop)
    log.info("scheduler started (time zone %s)", app.config["CLC_TIMEZONE"])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown()
    log.info("scheduler stopped")
