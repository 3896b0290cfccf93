"""Statements go by effective time (R-LED-3, R-EXP-1, R-STM-2): an expiry written days late
falls in the month it happened, and a month waits for the expiries due in it."""
from sqlalchemy import select

from clc_ledger.extensions import db
from clc_ledger.jobs.models import JobRun
from clc_ledger.ledger.verify import verify_ledger
from clc_ledger.statements import services

from .helpers import statements_of


def run(api, job):
    response = api.admin.post(f"/api/v1/jobs/{job}/run")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def last_status(job):
    db.session.rollback()
    return db.session.scalar(select(JobRun.status).where(JobRun.name == job).order_by(JobRun.id.desc()).limit(1))


def late_expiry_company(api):
    """SO-A: 8.00, expires on 31 Jan 2027 (invoiced 31 Jan 2026); SO-B: 5.00, expires in June."""
    api.set_clock("2026-12-01T10:00:00-08:00")
    company = api.company(name="Late Expiry Co")
    api.sales_order("SO-A", company["id"], "8.00", booked_on="2026-01-20", invoice_date="2026-01-31")
    api.sales_order("SO-B", company["id"], "5.00", booked_on="2026-05-25", invoice_date="2026-06-01")
    return company


def test_R_LED_3_an_expiry_written_on_3_feb_is_effective_at_12_01_am_on_31_jan_and_closes_january_at_5(api):
    company = late_expiry_company(api)
    # Nothing runs from 1 Dec until 3 Feb, 09:00 local; then the jobs, in the scheduler's order.
    api.set_clock("2027-02-03T09:00:00-08:00")
    assert run(api, "expire-credits") == {"expired_sales_orders": 1, "expired_credits": "8.00"}
    result = run(api, "monthly-statements")
    assert result["failed"] == [] and last_status("monthly-statements") == "ok"

    january = statements_of(company["id"])["2027-01"]
    assert (january.opening_balance, january.closing_balance) == (1300, 500)
    [expiry] = january.content["entries"]
    assert (expiry["kind"], expiry["so_number"], expiry["amount"], expiry["date"]) == ("expiry", "SO-A", -800,
                                                                                      "2027-01-31")
    assert expiry["running_balance"] == 500
    assert {so["so_number"]: (so["status"], so["balance"]) for so in january.content["sales_orders"]} == {
        "SO-A": ("expired", 0), "SO-B": ("active", 500)}
    assert statements_of(company["id"])["2026-12"].closing_balance == 1300

    ledger = api.admin.get(f"/api/v1/companies/{company['id']}/ledger").get_json()["entries"]
    [entry] = [e for e in ledger if e["kind"] == "expiry"]
    assert entry["at"] == "2027-01-31T08:01:00+00:00"  # 12:01 a.m. Pacific (UTC-8)
    assert entry["recorded_at"] == "2027-02-03T17:00:00+00:00"
    assert entry["deferred_from"] is None
    assert verify_ledger() is None


def test_R_STM_2_a_month_waits_until_every_expiry_due_in_it_is_recorded(api):
    company = late_expiry_company(api)
    api.set_clock("2027-02-03T09:00:00-08:00")
    result = run(api, "monthly-statements")  # expire-credits has not run yet
    assert [(f["company_id"], f["period"], f["reason"]) for f in result["failed"]] == [
        (company["id"], "2027-01", "expiry_not_recorded")]
    assert last_status("monthly-statements") == "partial"
    assert sorted(statements_of(company["id"])) == ["2026-12"]

    run(api, "expire-credits")
    result = run(api, "monthly-statements")
    assert result["statements"] == [{"company_id": company["id"], "period": "2027-01"}]
    assert statements_of(company["id"])["2027-01"].closing_balance == 500


def test_R_LED_3_an_entry_never_lands_in_a_month_already_stated_it_moves_to_the_next_and_says_why(api):
    company = late_expiry_company(api)
    api.set_clock("2027-02-03T09:00:00-08:00")
    # January was stated before its expiry was written down (as an older version would have).
    services.issue_statement(company["id"], "2026-12")
    services.issue_statement(company["id"], "2027-01")
    assert statements_of(company["id"])["2027-01"].closing_balance == 1300
    run(api, "expire-credits")

    ledger = api.admin.get(f"/api/v1/companies/{company['id']}/ledger").get_json()["entries"]
    [entry] = [e for e in ledger if e["kind"] == "expiry"]
    assert entry["at"] == "2027-02-01T08:00:00+00:00"  # midnight Pacific on 1 Feb, the next open month
    assert entry["deferred_from"] == "2027-01"
    assert statements_of(company["id"])["2027-01"].closing_balance == 1300  # unchanged, as issued

    api.set_clock("2027-03-01T06:00:00-08:00")
    run(api, "monthly-statements")
    february = statements_of(company["id"])["2027-02"]
    assert (february.opening_balance, february.closing_balance) == (1300, 500)
    [line] = february.content["entries"]
    assert (line["kind"], line["date"], line["deferred_from"]) == ("expiry", "2027-02-01", "2027-01")
    assert verify_ledger() is None
