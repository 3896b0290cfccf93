"""Jobs: named operations that act "as of now" (the one clock), run by the scheduler process
or on demand through POST /api/v1/jobs/{name}/run.

Each job is a function `job(now: datetime) -> dict` (a JSON-able summary of what it did),
idempotent: running it twice for the same "now" does no more than running it once. A job
that could not do some companies, debits or messages goes on with the others and names them
in `failed` (R-JOB-2): its run is recorded `partial`, and the next run does them again.
"""
from importlib import import_module

from ..errors import N_, NotFound

# Resolved lazily so that features register jobs without import cycles.
JOBS = {
    "expire-credits": "clc_ledger.ledger.expiry:expire_credits",
    "expiry-reminders": "clc_ledger.notifications.reminders:send_expiry_reminders",
    "age-pending-debits": "clc_ledger.ledger.aging:age_pending_debits",
    "monthly-statements": "clc_ledger.statements.services:run_monthly_statements",
    "deliver-outbox": "clc_ledger.notifications.outbox:deliver_outbox",
    "learning-reminders": "clc_ledger.learning.reminders:send_learning_reminders",
    "lapse-planned-claims": "clc_ledger.learning.clc_link:lapse_planned_claims",
}


def job_function(name):
    if name not in JOBS:
        raise NotFound("job_not_found", N_("No job named %(name)s. Jobs: %(jobs)s."), name=name, jobs=", ".join(JOBS))
    module, _, attribute = JOBS[name].partition(":")
    return getattr(import_module(module), attribute)


def run_job(name, now=None, *, trigger="api"):
    """Run a job once under its lease and record the run (jobs/runs.py). Returns its result;
    raises runs.JobBusy (409) if another process is running it right now."""
    from .runs import run_tracked

    return run_tracked(name, now, trigger=trigger)
