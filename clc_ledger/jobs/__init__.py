"""Jobs: named operations that act "as of now" (the one clock), run by the scheduler process
or on demand through POST /api/v1/jobs/{name}/run.

Each job is a function `job(now: datetime) -> dict` (a JSON-able summary of what it did),
idempotent: running it twice for the same "now" does no more than running it once. A job
that could not do some companies, debits or messages goes on with the others and names them
in `failed` (R-JOB-2): its run is recorded `partial`, and the next run does them again.
"""
from datetime import time
from importlib import import_module
from typing import NamedTuple

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..errors import N_, NotFound
from ..learning.i18n import domain as learning_domain
from .calendar import Daily, Monthly
from .runs import run_tracked

_learning = learning_domain.lazy_gettext  # learning's jobs are worded in its own catalog


class Job(NamedTuple):
    """One row of the job table. `function`: 'module:attribute', resolved when the job runs
    (so features register jobs without the jobs package importing them); `schedule`: when
    the scheduler runs it (a Daily or Monthly local wall time), or None for the outbox,
    which runs every minute; `catch_up`: its place in the scheduler's catch-up pass on start
    (expiry before statements, the outbox last); `label`: what it does, for the admin's job
    page (translated when shown; web.labels.JOB_LABELS)."""
    name: str
    function: str
    schedule: Daily | Monthly | None
    catch_up: int
    label: LazyString


# The one job table: the API, the pages, the scheduler and its catch-up derive from it.
TABLE = (
    Job("expire-credits", "clc_ledger.ledger.expiry:expire_credits", Daily(time(0, 1)), 1,
        _l("Writes down the credits of sales orders whose expiry date has come.")),
    Job("expiry-reminders", "clc_ledger.notifications.reminders:send_expiry_reminders", Daily(time(6, 5)), 3,
        _l("Sends the reminders about credits that expire soon.")),
    Job("age-pending-debits", "clc_ledger.ledger.aging:age_pending_debits", Daily(time(6, 0)), 2,
        _l("Reminds captains of debits pending for 30 days and cancels those pending for 45.")),
    Job("monthly-statements", "clc_ledger.statements.services:run_monthly_statements", Monthly(time(3, 0)), 4,
        _l("Writes last month's statement for each company and emails it.")),
    Job("deliver-outbox", "clc_ledger.notifications.delivery:deliver_outbox", None, 7,
        _l("Sends the emails waiting in the outbox.")),
    Job("learning-reminders", "clc_ledger.learning.reminders:send_learning_reminders", Daily(time(6, 15)), 6,
        _learning("Reminds people and captains of certifications expiring with their requirement unmet, of exam "
                  "vouchers about to lapse, and of specializations due for renewal while short of points.")),
    Job("lapse-planned-claims", "clc_ledger.learning.clc_link:lapse_planned_claims", Daily(time(6, 10)), 5,
        _learning("Lapses claims of CLC-funded training not submitted within 90 days, and tells the captains "
                  "what the seats cost.")),
)
JOBS = {job.name: job.function for job in TABLE}


def job_function(name):
    if name not in JOBS:
        raise NotFound("job_not_found", N_("No job named %(name)s. Jobs: %(jobs)s."), name=name, jobs=", ".join(JOBS))
    module, _, attribute = JOBS[name].partition(":")
    return getattr(import_module(module), attribute)


def run_job(name, now=None, *, trigger="api"):
    """Run a job once under its lease and record the run (jobs/runs.py). Returns its result;
    raises runs.JobBusy (409) if another process is running it right now."""
    return run_tracked(name, now, trigger=trigger, jobs=JOBS, job_function=job_function)
