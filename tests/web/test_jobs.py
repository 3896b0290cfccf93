"""The back office's job runs page: every job, its last run, and "Run now"."""
import re

from clc_ledger.jobs import JOBS
from clc_ledger.jobs.runs import acquire_lease, recent_runs, release_lease
from tests.helpers import row_counts


def test_the_job_runs_page_lists_every_job_and_run_now_records_a_run(api, acme_two_orders, browser):
    api.admin
    admin = browser("backoffice")
    page = admin.get("/admin/jobs").get_data(as_text=True)
    for name in JOBS:
        assert f"/admin/jobs/{name}/run" in page and f"Run {name} now" in page, name
    assert page.count("Not run yet.") == len(JOBS)

    response = admin.submit("/admin/jobs", "/admin/jobs/expire-credits/run", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The job expire-credits ran" in page
    runs = recent_runs(name="expire-credits")
    assert len(runs) == 1 and runs[0].trigger == "web" and runs[0].status == "ok"
    assert page.count("Not run yet.") == len(JOBS) - 1
    assert "Back office" in page and "Succeeded" in page


def test_a_busy_job_is_refused_with_its_reason(api, acme_two_orders, browser):
    api.admin
    admin = browser("backoffice")
    assert acquire_lease("age-pending-debits", "someone-else")
    try:
        response = admin.submit("/admin/jobs", "/admin/jobs/age-pending-debits/run", follow_redirects=True)
        assert "already running" in response.get_data(as_text=True)
        assert recent_runs(name="age-pending-debits") == []
    finally:
        release_lease("age-pending-debits", "someone-else")


def test_a_failed_run_shows_its_error(api, acme_two_orders, browser, monkeypatch):
    import clc_ledger.ledger.aging as aging

    def broken(now):
        raise RuntimeError("the mail server is on fire")

    monkeypatch.setattr(aging, "age_pending_debits", broken)
    api.admin
    admin = browser("backoffice")
    response = admin.submit("/admin/jobs", "/admin/jobs/age-pending-debits/run", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "failed" in page and "the mail server is on fire" in page
    runs = recent_runs(name="age-pending-debits")
    assert len(runs) == 1 and runs[0].status == "error"


def test_only_admins_run_jobs_and_only_with_the_csrf_token(api, acme_two_orders, browser):
    for username in ("carla", "mike", "otto"):
        person = browser(username)
        assert person.get("/admin/jobs").status_code == 403
        assert person.submit("/", "/admin/jobs/expire-credits/run").status_code == 403
    api.admin
    admin = browser("backoffice")
    before = row_counts()
    assert admin.client.post("/admin/jobs/expire-credits/run").status_code == 400
    assert row_counts() == before
    assert recent_runs() == []


def test_runs_of_one_job(api, acme_two_orders, browser):
    api.admin
    admin = browser("backoffice")
    for name in ("expire-credits", "age-pending-debits"):
        admin.submit("/admin/jobs", f"/admin/jobs/{name}/run")
    page = admin.get("/admin/jobs?job=age-pending-debits").get_data(as_text=True)
    recent = page[page.index("Recent runs of age-pending-debits"):]
    assert re.findall(r"<td[^>]*><code>([^<]+)</code></td>", recent) == ["age-pending-debits"]


def test_job_results_read_as_words_not_python_values(api, acme_two_orders, browser):
    api.admin
    api.set_clock("2027-01-20T18:00:00+00:00")  # SO-1001 expired on 10 Jan
    admin = browser("backoffice")
    admin.submit("/admin/jobs", "/admin/jobs/expire-credits/run")
    page = admin.get("/admin/jobs").get_data(as_text=True)
    assert "<dt>Credits expired</dt><dd>500.00</dd>" in page
    assert "<dt>Sales orders expired</dt>" in page
    assert "expired_credits" not in page and "[{" not in page and "{'" not in page
