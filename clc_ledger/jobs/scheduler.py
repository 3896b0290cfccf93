"""`clc-ledger scheduler`: the job process (APScheduler 3.x BlockingScheduler).

Run exactly one kind of thing: this process, never inside web workers. Running two of them
(e.g. on two hosts) is safe: each run takes the job's lease in the database, and the second
process skips a job the first one is running. Every job is idempotent, so a job run again
after the other process finished it does nothing more.

Schedule, in CLC_TIMEZONE (the program's time zone):
  expire-credits       daily 00:01 (R-EXP-1: credits expire at 12:01 a.m.)
  age-pending-debits   daily 06:00
  expiry-reminders     daily 06:05
  monthly-statements   the 1st at 03:00 (03:00 exists on every day, DST included)
  lapse-planned-claims daily 06:10 (R-CEL-3)
  learning-reminders   daily 06:15 (R-CRN-1, R-CEL-4)
  deliver-outbox       every minute
On start it catches up: the four daily/monthly jobs run once at once, in that order, then
the outbox is delivered; they act as of "now", so a day or a month missed while the process
was down is done then. misfire_grace_time is hours and coalesce is on, so a busy or
suspended process runs a late job once rather than skipping it or running it many times.
"""
import logging
import signal
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from .runs import JobBusy, run_tracked

log = logging.getLogger("clc_ledger.scheduler")

CATCH_UP = ("expire-credits", "age-pending-debits", "expiry-reminders", "monthly-statements",
            "lapse-planned-claims", "learning-reminders", "deliver-outbox")
MISFIRE_GRACE_SECONDS = 6 * 3600


def schedule():
    """(job name, trigger name, trigger arguments) for every scheduled job."""
    return [
        ("expire-credits", "cron", {"hour": 0, "minute": 1}),
        ("age-pending-debits", "cron", {"hour": 6, "minute": 0}),
        ("expiry-reminders", "cron", {"hour": 6, "minute": 5}),
        ("monthly-statements", "cron", {"day": 1, "hour": 3, "minute": 0}),
        ("lapse-planned-claims", "cron", {"hour": 6, "minute": 10}),
        ("learning-reminders", "cron", {"hour": 6, "minute": 15}),
        ("deliver-outbox", "interval", {"minutes": 1}),
    ]


def run_scheduled(app, name):
    """Run one job in its own app context; never raises (the scheduler must keep going).
    Returns "ok", "skipped" or "error"."""
    with app.app_context():
        try:
            result = run_tracked(name, trigger="scheduler")
        except JobBusy as busy:
            log.info("job %s: skipped, %s", name, busy.message)
            return "skipped"
        except Exception:
            log.exception("job %s: error", name)
            return "error"
        finally:
            from ..extensions import db

            db.session.remove()
        log.info("job %s: ok %s", name, result)
        return "ok"


def catch_up(app):
    outcomes = {name: run_scheduled(app, name) for name in CATCH_UP}
    log.info("catch-up done: %s", ", ".join(f"{name} {outcome}" for name, outcome in outcomes.items()))
    return outcomes


def build_scheduler(app, *, catch_up_on_start=True):
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    zone = ZoneInfo(app.config["CLC_TIMEZONE"])
    scheduler = BlockingScheduler(
        timezone=zone,
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
    )
    for name, trigger, arguments in schedule():
        scheduler.add_job(run_scheduled, trigger, args=(app, name), id=name, name=name, **arguments)
    if catch_up_on_start:
        scheduler.add_job(catch_up, "date", args=(app,), id="catch-up", name="catch-up",
                          run_date=datetime.now(zone))
    return scheduler


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Catch up once (every job, in order) and exit, instead of running on.")
@with_appcontext
def scheduler_command(once):
    """Run the job scheduler (its own process): expiry, reminders, statements, the outbox."""
    app = current_app._get_current_object()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("clc_ledger").setLevel(logging.INFO)
    if once:
        outcomes = catch_up(app)
        raise SystemExit(1 if "error" in outcomes.values() else 0)
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
