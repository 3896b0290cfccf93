"""Every job run is recorded (job_runs) and taken under a lease (job_leases), so two
processes never run the same job at the same time."""
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from clc_ledger.db import utcnow_real
from clc_ledger.extensions import db
from clc_ledger.jobs import JOBS, run_job
from clc_ledger.jobs.models import JobLease, JobRun
from clc_ledger.jobs.runs import JobBusy, acquire_lease, last_runs, release_lease

NOW = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)


def _runs(name=None):
    db.session.rollback()
    query = select(JobRun).order_by(JobRun.id)
    if name:
        query = query.where(JobRun.name == name)
    return db.session.scalars(query).all()


def test_a_run_through_the_api_is_recorded_and_last_runs_gives_the_newest(api):
    api.set_clock(NOW.isoformat())
    for _ in range(2):
        response = api.admin.post("/api/v1/jobs/expiry-reminders/run")
        assert response.status_code == 200, response.get_json()
    first, second = _runs("expiry-reminders")
    assert (second.status, second.trigger, second.as_of, second.error) == ("ok", "api", NOW, None)
    assert second.result == response.get_json()["result"]
    assert second.started_at <= second.finished_at
    assert abs(second.started_at - utcnow_real()) < timedelta(minutes=5)  # real time, not the test clock
    latest = last_runs(JOBS)
    assert list(latest) == ["expiry-reminders"]
    assert latest["expiry-reminders"].id == second.id


def test_a_job_that_cannot_even_be_imported_is_recorded_as_an_error(app, monkeypatch):
    monkeypatch.setitem(JOBS, "not-written-yet", "clc_ledger.not_written_yet:job")
    with pytest.raises(ModuleNotFoundError):
        run_job("not-written-yet", NOW)
    [run] = _runs("not-written-yet")
    assert run.status == "error" and "clc_ledger.not_written_yet" in run.error and run.finished_at
    # The lease was given back: the next run is not refused as busy.
    with pytest.raises(ModuleNotFoundError):
        run_job("not-written-yet", NOW)
    assert len(_runs("not-written-yet")) == 2


def test_an_unknown_job_is_404_and_only_admins_run_jobs(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    assert api.admin.post("/api/v1/jobs/no-such-job/run").status_code == 404
    assert carla.post("/api/v1/jobs/deliver-outbox/run").status_code == 403
    assert _runs() == []


def test_a_job_whose_lease_is_held_elsewhere_is_refused_with_409_and_not_run(api):
    assert acquire_lease("expire-credits", "other-host:4242")
    response = api.admin.post("/api/v1/jobs/expire-credits/run")
    assert response.status_code == 409
    assert "other-host:4242" in response.get_json()["message"]
    assert _runs("expire-credits") == []
    release_lease("expire-credits", "other-host:4242")
    assert api.admin.post("/api/v1/jobs/expire-credits/run").status_code == 200


def test_a_lease_is_exclusive_until_released_or_expired(app):
    assert acquire_lease("monthly-statements", "a")
    assert not acquire_lease("monthly-statements", "b")
    assert acquire_lease("monthly-statements", "a")  # the holder may renew
    release_lease("monthly-statements", "b")  # not b's to release
    assert not acquire_lease("monthly-statements", "b")
    release_lease("monthly-statements", "a")
    assert acquire_lease("monthly-statements", "b", ttl=timedelta(seconds=-1))  # already expired
    assert acquire_lease("monthly-statements", "c")
    assert db.session.get(JobLease, "monthly-statements", populate_existing=True).holder == "c"


def test_two_processes_racing_for_a_lease_one_wins(app):
    for round_ in range(5):
        name = f"race-{round_}"
        barrier = threading.Barrier(4)
        winners, errors = [], []

        def contender(holder):
            try:
                with app.app_context():
                    barrier.wait(timeout=10)
                    if acquire_lease(name, holder):
                        winners.append(holder)
                    db.session.remove()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=contender, args=(f"holder-{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        assert len(winners) == 1, winners


def test_a_job_already_running_in_this_process_is_busy_too(app, monkeypatch):
    started, finish = threading.Event(), threading.Event()
    inner = {}

    def slow_job(now):
        started.set()
        finish.wait(timeout=10)
        return {"done": True}

    import clc_ledger.jobs as jobs

    monkeypatch.setitem(JOBS, "slow", "tests.jobs.test_runs:_slow_job")
    monkeypatch.setattr(jobs, "job_function", lambda name: slow_job if name == "slow" else None)

    def first():
        with app.app_context():
            inner["result"] = run_job("slow", NOW)
            db.session.remove()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(timeout=10)
    with pytest.raises(JobBusy):
        run_job("slow", NOW)
    finish.set()
    thread.join(timeout=10)
    assert inner["result"] == {"done": True}
    assert [run.status for run in _runs("slow")] == ["ok"]


def test_a_job_that_outlasts_its_lease_keeps_it_until_it_ends(app, monkeypatch):
    """A second scheduler must not start a job again because the first one is slow: the
    running job's lease is renewed until the job ends, then given back."""
    import clc_ledger.jobs as jobs

    app.config["CLC_JOB_LEASE_SECONDS"] = 1
    seen = {}

    def long_job(now):
        time.sleep(2.5)  # two and a half lease lengths
        seen["another_scheduler_got_it"] = acquire_lease("long", "another scheduler")
        return {}

    monkeypatch.setitem(JOBS, "long", "tests.jobs.test_runs:_long_job")
    monkeypatch.setattr(jobs, "job_function", lambda name: long_job if name == "long" else None)
    run_job("long", NOW)
    assert seen["another_scheduler_got_it"] is False
    assert not [thread for thread in threading.enumerate() if thread.name == "lease:long"]
    assert acquire_lease("long", "another scheduler")  # given back when the job ended
