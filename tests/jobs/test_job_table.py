"""One job table (jobs.TABLE): what the API runs, the labels the pages show, what the scheduler
schedules and catches up, and the docs list, all agree with it."""
import re

from flask_babel import force_locale

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


def test_the_jobs_page_labels_each_job_with_the_tables_words_translated(app):
    """The labels are the table's (web.labels derives them), each translated in every
    language: the learning jobs' from the learning catalog, the others' from the pages'."""
    assert labels.JOB_LABELS == {job.name: job.label for job in TABLE}
    with app.test_request_context():
        with force_locale("en"):
            english = {job.name: str(job.label) for job in TABLE}
        assert all(english.values())
        for language in ("de", "fr", "ja"):
            with force_locale(language):
                untranslated = [job.name for job in TABLE if labels.job_label(job.name) == english[job.name]]
            assert untranslated == [], language


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
