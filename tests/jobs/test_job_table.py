"""One job table (jobs.TABLE): what the API runs, the pages label, the scheduler schedules
and catches up, and the docs list, all agree with it."""
import re

from clc_ledger.jobs import JOBS, TABLE, job_function
from clc_ledger.jobs import api as jobs_api
from clc_ledger.jobs import scheduler
from clc_ledger.jobs.calendar import Daily
from clc_ledger.web import labels


def test_every_job_of_the_table_resolves_to_a_function():
    assert all(callable(job_function(job.name)) for job in TABLE)
    assert list(JOBS) == [job.name for job in TABLE]


def test_the_scheduler_schedules_and_catches_up_exactly_the_table_outbox_last():
    names = {job.name for job in TABLE}
    assert set(scheduler.CATCH_UP) == names and len(scheduler.CATCH_UP) == len(TABLE)
    assert scheduler.CATCH_UP[-1] == "deliver-outbox"
    assert set(scheduler.SCHEDULE) == {job.name for job in TABLE if job.schedule is not None}
    assert scheduler.CATCH_UP.index("expire-credits") < scheduler.CATCH_UP.index("monthly-statements")


def test_every_job_has_a_label_on_the_jobs_page():
    assert set(labels.JOB_LABELS) == {job.name for job in TABLE}


def test_the_scheduler_docs_state_each_jobs_schedule():
    listed = dict(re.findall(r"^  ([a-z-]+) +(every .+?)(?: \(|$)", scheduler.__doc__, re.MULTILINE))
    for job in TABLE:
        if job.schedule is None:
            assert listed[job.name] == "every minute"
        else:
            when = "every day" if isinstance(job.schedule, Daily) else "every 1st"
            assert listed[job.name] == f"{when} from {job.schedule.at:%H:%M}", job.name


def test_the_api_names_every_job():
    assert all(job.name in jobs_api.JobRun.post.__doc__ for job in TABLE)
