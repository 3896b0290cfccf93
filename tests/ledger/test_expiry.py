"""Expiry (R-EXP-1..3): 12:01 a.m. local time on expires_on, enforced on read and spend
even before the job runs; held credits survive; released credits expire at once."""
import pytest

from clc_ledger.ledger.verify import verify_ledger

from ..helpers import ledger_sum, row_counts
from .test_debits import balance, debit, so_view

# SO-1 invoiced 2026-01-10 expires 2027-01-10 (a Sunday; PST, UTC-8): 12:01 a.m. is 08:01 UTC.
JUST_BEFORE = "2027-01-10T08:00:59+00:00"
AT_EXPIRY = "2027-01-10T08:01:00+00:00"


@pytest.fixture
def so1(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00", invoice_date="2026-01-10")
    return acme


def test_R_EXP_1_at_12_00_59_am_on_the_expiry_date_credits_are_still_spendable(api, so1):
    api.set_clock(JUST_BEFORE)
    view = so_view(so1["mo"], "SO-1")
    assert (view["status"], view["available"], view["days_left"]) == ("active", "10.00", 0)
    assert debit(so1["mo"], "1.00").status_code == 201


def test_R_EXP_1_from_12_01_am_they_are_expired_on_read_and_spend_before_any_job_runs(api, so1):
    api.set_clock(AT_EXPIRY)
    view = so_view(so1["mo"], "SO-1")
    assert (view["status"], view["available"]) == ("expired", "0.00")
    assert balance(so1["mo"], so1["company"])["available"] == "0.00"
    before = row_counts()
    assert debit(so1["mo"], "1.00").status_code == 422
    refused = debit(so1["mo"], "1.00", allocations=[{"so_number": "SO-1", "amount": "1.00"}])
    assert refused.status_code == 422 and "expired" in refused.get_json()["message"]
    assert row_counts() == before


def test_R_EXP_1_the_expire_credits_job_writes_the_expiry_down_once(api, so1):
    debit(so1["mo"], "2.50")
    api.set_clock(AT_EXPIRY)
    first = api.admin.post("/api/v1/jobs/expire-credits/run")
    assert first.status_code == 200
    assert first.get_json() == {"job": "expire-credits",
                                "result": {"expired_sales_orders": 1, "expired_credits": "7.50"}}
    again = api.admin.post("/api/v1/jobs/expire-credits/run").get_json()
    assert again["result"] == {"expired_sales_orders": 0, "expired_credits": "0.00"}
    entries = so1["obi"].get(f"/api/v1/companies/{so1['company']['id']}/ledger").get_json()["entries"]
    assert [(e["kind"], e["amount"]) for e in entries][-1] == ("expiry", "-7.50")
    assert ledger_sum("SO-1") == 0
    assert verify_ledger() is None


def test_R_EXP_1_the_job_before_12_01_expires_nothing(api, so1):
    api.set_clock(JUST_BEFORE)
    result = api.admin.post("/api/v1/jobs/expire-credits/run").get_json()["result"]
    assert result["expired_sales_orders"] == 0


@pytest.mark.parametrize("clock,status", [
    ("2027-03-14T08:00:59+00:00", "active"),   # 00:00:59 PST on the day clocks spring forward
    ("2027-03-14T08:01:00+00:00", "expired"),  # 00:01 PST: DST starts at 02:00, later that night
])
def test_R_EXP_1_daylight_saving_week_spring_forward(api, acme, clock, status):
    api.sales_order("SO-DST", acme["company"]["id"], "10.00", invoice_date="2026-03-14")  # expires 2027-03-14
    api.set_clock(clock)
    assert so_view(acme["mo"], "SO-DST")["status"] == status


@pytest.mark.parametrize("clock,status", [
    ("2026-11-01T07:00:59+00:00", "active"),   # 00:00:59 PDT on the day clocks fall back
    ("2026-11-01T07:01:00+00:00", "expired"),  # 00:01 PDT (UTC-7), before the 02:00 change
])
def test_R_EXP_1_daylight_saving_week_fall_back(api, acme, clock, status):
    api.set_clock("2026-06-01T19:00:00+00:00")
    api.sales_order("SO-FALL", acme["company"]["id"], "10.00", booked_on="2025-10-20",
                    invoice_date="2025-11-01")  # expires 2026-11-01
    api.set_clock(clock)
    assert so_view(acme["mo"], "SO-FALL")["status"] == status


@pytest.mark.parametrize("clock,days_left", [
    ("2027-01-09T07:59:00+00:00", 2),   # 23:59 on 8 Jan in Los Angeles
    ("2027-01-09T08:00:00+00:00", 1),   # midnight, 9 Jan
    ("2027-01-10T07:59:59+00:00", 1),   # still 9 Jan in Los Angeles although 10 Jan in UTC
    ("2027-01-10T08:00:00+00:00", 0),
    ("2026-12-11T20:00:00+00:00", 30),
])
def test_R_EXP_2_days_left_counts_whole_days_in_the_programs_time_zone(api, so1, clock, days_left):
    api.set_clock(clock)
    assert so_view(so1["mo"], "SO-1")["days_left"] == days_left


def test_R_EXP_3_held_credits_survive_expiry_and_can_still_be_approved(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00", invoice_date="2026-01-10")
    api.set_clock("2027-01-09T20:00:00+00:00")
    pending = debit(acme["mo"], "4.00", category="cisco_live", event_date="2027-06-01").get_json()
    api.set_clock(AT_EXPIRY)
    api.admin.post("/api/v1/jobs/expire-credits/run")
    view = so_view(acme["mo"], "SO-1")
    assert (view["status"], view["available"], view["held"]) == ("expired", "0.00", "4.00")
    assert acme["carla"].post(f"/api/v1/debits/{pending['id']}/approve").status_code == 200
    view = so_view(acme["mo"], "SO-1")
    assert (view["available"], view["held"]) == ("0.00", "0.00")
    assert verify_ledger() is None


@pytest.mark.parametrize("decision", ["reject", "cancel"])
def test_R_EXP_3_credits_released_after_expiry_expire_at_once(api, approval_required, decision):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00", invoice_date="2026-01-10")
    api.set_clock("2027-01-09T20:00:00+00:00")
    pending = debit(acme["mo"], "4.00").get_json()
    api.set_clock("2027-01-11T20:00:00+00:00")  # the job has not even run
    actor = acme["carla"] if decision == "reject" else acme["mo"]
    assert actor.post(f"/api/v1/debits/{pending['id']}/{decision}", json={"reason": "no"}).status_code == 200
    view = so_view(acme["mo"], "SO-1")
    assert (view["status"], view["available"], view["held"]) == ("expired", "0.00", "0.00")
    kinds = [e["kind"] for e in acme["obi"].get(
        f"/api/v1/companies/{acme['company']['id']}/ledger").get_json()["entries"]]
    assert kinds == ["activation", "hold", "release", "expiry"]
    assert ledger_sum("SO-1") == 0
    assert verify_ledger() is None


def test_R_DEB_6_cisco_live_registered_before_expiry_may_take_place_after_it(api, so1):
    api.set_clock("2027-01-09T20:00:00+00:00")
    response = debit(so1["mo"], "5.00", category="cisco_live", event_date="2027-06-07")
    assert response.status_code == 201 and response.get_json()["event_date"] == "2027-06-07"
