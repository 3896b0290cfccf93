"""Running a job under a lease and writing down each run (job_runs).

Every run, from the scheduler, the pages or the API, goes through `run_tracked` (by
jobs.run_job): it takes the job's lease with a compare-and-set (so two scheduler processes
never run the same job at the same time: the second one is refused with JobBusy), keeps the
lease renewed while the job runs, records a `running` row, calls the job as of the clock's
"now", and records `ok` with the job's result, `partial` when the result names what failed
(R-JOB-2), or `error` with the traceback.

Leases are short (CLC_JOB_LEASE_SECONDS, default 60) and renewed every third of their
length by a thread of the running process, so they die with it (R-JOB-1): a scheduler
killed mid-run holds its job for at most one lease length. The run that takes the job over
marks the dead process's `running` row `died`; every job picks up what is left to do by
itself (statements not yet issued, messages not yet sent, whose own claims expire too).
Leases and run timestamps are real time, not the test clock: they are about processes.
"""
import json
import logging
import os
import socket
import threading
import traceback
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import clock
from ..db import transactional, utcnow_real
from ..errors import Conflict, N_, NotFound
from ..extensions import db
from .models import JobLease, JobRun

log = logging.getLogger(__name__)

KEEP_RUNS = timedelta(days=90)


class JobBusy(Conflict):
    """The job is running elsewhere right now (its lease is held)."""


def new_holder():
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


def lease_ttl():
    return timedelta(seconds=float(current_app.config["CLC_JOB_LEASE_SECONDS"]))


@transactional
def acquire_lease(name, holder, ttl=None):
    """Take the lease of job `name` if it is free or expired (or already ours). True if taken."""
    now = utcnow_real()
    expires_at = now + (ttl or lease_ttl())
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = db.session.execute(
        insert(JobLease).values(name=name, holder=holder, expires_at=expires_at)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    if created.rowcount == 1:
        return True
    taken = db.session.execute(
        update(JobLease)
        .where(JobLease.name == name, or_(JobLease.expires_at <= now, JobLease.holder == holder))
        .values(holder=holder, expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


@transactional
def release_lease(name, holder):
    db.session.execute(
        update(JobLease).where(JobLease.name == name, JobLease.holder == holder)
        .values(expires_at=utcnow_real()).execution_options(synchronize_session=False)
    )


def lease_holder(name):
    """(holder, expires_at) of the job's lease if it is held now, else None."""
    lease = db.session.get(JobLease, name, populate_existing=True)
    if lease is None or lease.expires_at <= utcnow_real():
        return None
    return lease.holder, lease.expires_at


class LeaseKeeper:
    """Renews a running job's lease every third of its length, from a thread of its own, so
    that a job that outlasts the lease (10,000 Japanese statements take hours) is not started
    again by another scheduler while it runs. Should this process die, the lease still runs
    out within one length. Stopped before the lease is given back, so that no late renewal
    takes it again."""

    def __init__(self, name, holder):
        self.name, self.holder, self.ttl = name, holder, lease_ttl()
        self._app = current_app._get_current_object()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease:{name}", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()

    def _renew(self):
        while not self._stop.wait(self.ttl.total_seconds() / 3):
            with self._app.app_context():
                try:
                    if not acquire_lease(self.name, self.holder, self.ttl):
                        log.error("The lease of %s ran out and another process took it while this one ran it",
                                  self.name)
                        return
                except Exception:  # the database may be down for a moment: try again next time
                    log.exception("Could not renew the lease of %s", self.name)
                finally:
                    db.session.remove()


def run_tracked(name, now=None, *, trigger="api", jobs, job_function):
    """Run job `name` once under its lease, recording the run. Returns the job's result.

    The job table is the jobs package's, which uses this module: jobs.run_job passes its
    names (`jobs`) and `job_function`, which looks the job up inside the recorded run (a
    job that cannot even be imported is recorded as an error).

    Raises NotFound for an unknown name, JobBusy when another process holds the lease, and
    re-raises whatever the job raised (after recording the run as `error`)."""
    if name not in jobs:
        raise NotFound("job_not_found", N_("No job named %(name)s. Jobs: %(jobs)s."), name=name, jobs=", ".join(jobs))
    holder = new_holder()
    if not acquire_lease(name, holder):
        held = lease_holder(name)
        raise JobBusy("job_busy", N_("The job %(name)s is already running (%(holder)s)."),
                      name=name, holder=held[0] if held else "?")
    try:
        with LeaseKeeper(name, holder):
            as_of = now or clock.now()
            db.session.rollback()
            _mark_dead_runs(name, holder)
            run_id = _start_run(name, trigger, as_of, holder)
            try:
                result = job_function(name)(as_of)
            except BaseException as error:
                db.session.rollback()
                try:
                    _finish_run(run_id, "error", error="".join(traceback.format_exception(error))[-20000:])
                except Exception:  # the database may be what failed; the lease will expire
                    log.exception("Could not record the failed run of %s", name)
                raise
            result = _jsonable(result)
            _finish_run(run_id, run_status(result), result=result)
            return result
    finally:
        try:
            release_lease(name, holder)
        except Exception:
            log.exception("Could not release the lease of %s (it expires by itself)", name)


@transactional
def _mark_dead_runs(name, holder):
    """Runs of `name` still `running` under another holder, while we hold the lease: their
    process stopped renewing it (killed, or cut off) and is gone."""
    db.session.execute(
        update(JobRun).where(JobRun.name == name, JobRun.status == "running", JobRun.holder != holder)
        .values(status="died", finished_at=utcnow_real(),
                error="Its process stopped renewing the job's lease (killed or cut off); the next run took over.")
        .execution_options(synchronize_session=False))


def run_status(result):
    """`partial` when the job names companies or messages it could not do (`failed`: a list,
    or a count of messages; `retrying` mail; delivery `stopped` by a mail server that is
    down), else `ok` (R-JOB-2): the next run retries what failed."""
    return "partial" if any(result.get(key) for key in ("failed", "retrying", "stopped")) else "ok"


@transactional
def _start_run(name, trigger, as_of, holder):
    run = JobRun(name=name, trigger=trigger, as_of=as_of, started_at=utcnow_real(), status="running", holder=holder)
    db.session.add(run)
    db.session.flush()
    return run.id


@transactional
def _finish_run(run_id, status, *, result=None, error=None):
    finished = utcnow_real()
    run = db.session.get(JobRun, run_id, populate_existing=True)
    run.status, run.result, run.error, run.finished_at = status, result, error, finished
    # Keep the table small: deliver-outbox alone runs 1440 times a day.
    db.session.execute(delete(JobRun).where(JobRun.name == run.name, JobRun.started_at < finished - KEEP_RUNS))


def _jsonable(result):
    if result is None:
        return {}
    return json.loads(json.dumps(result, default=str))


def last_runs(names):
    """{job name: its most recent JobRun} for each of `names` (the job table's) that has run."""
    latest = select(func.max(JobRun.id)).group_by(JobRun.name)
    runs = db.session.scalars(select(JobRun).where(JobRun.id.in_(latest))).all()
    by_name = {run.name: run for run in runs}
    return {name: by_name[name] for name in names if name in by_name}


def recent_runs(name=None, limit=50):
    query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
    if name is not None:
        query = query.where(JobRun.name == name)
    return db.session.scalars(query).all()
