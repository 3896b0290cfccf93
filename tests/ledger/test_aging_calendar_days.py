"""R-DEB-7: pending debits age in calendar days of the program's time zone, not in 24-hour
blocks. The March daylight-saving change (America/Los_Angeles, 14 Mar 2027) lies between."""
import pytest

from .test_debits import debit

# Requested at 05:30 local on Saturday 20 Feb 2027 (PST, UTC-8) = 13:30 UTC.
REQUESTED = "2027-02-20T05:30:00-08:00"


def age(api, local_iso):
    api.set_clock(local_iso)
    response = api.admin.post("/api/v1/jobs/age-pending-debits/run")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


@pytest.fixture
def pending(api, approval_required):
    acme = approval_required
    api.sales_order("SO-LONG", acme["company"]["id"], "10.00", booked_on="2026-06-01", invoice_date="2026-06-10")
    api.set_clock(REQUESTED)
    response = debit(acme["mo"], "4.00")
    assert response.status_code == 201 and response.get_json()["status"] == "pending"
    return acme, response.get_json()


def status_of(acme, debit_id):
    return acme["mo"].get(f"/api/v1/debits/{debit_id}").get_json()["status"]


def test_R_DEB_7_requested_at_05_30_on_20_feb_it_is_cancelled_at_06_00_local_on_day_45(api, pending):
    acme, requested = pending
    # Day 44 (5 Apr), a minute before local midnight: still pending.
    assert age(api, "2027-04-05T23:59:00-07:00")["cancelled"] == 0
    assert status_of(acme, requested["id"]) == "pending"
    # Day 45 (6 Apr), 06:00 PDT: 44 days 23.5 hours of real time, and yet the 45th calendar day.
    assert age(api, "2027-04-06T06:00:00-07:00") == {"reminded": 0, "cancelled": 1}
    assert status_of(acme, requested["id"]) == "cancelled"


def test_R_DEB_7_its_30_day_twin_the_reminder_comes_at_06_00_local_on_day_30(api, pending):
    acme, requested = pending
    assert age(api, "2027-03-21T23:59:00-07:00")["reminded"] == 0  # day 29
    assert age(api, "2027-03-22T06:00:00-07:00") == {"reminded": 1, "cancelled": 0}  # day 30, 29 d 23.5 h
    assert age(api, "2027-03-22T07:00:00-07:00")["reminded"] == 0  # once
    assert status_of(acme, requested["id"]) == "pending"


def test_R_DEB_7_across_the_autumn_change_day_45_is_not_an_hour_early(api, approval_required):
    """Requested 00:30 local on 21 Sep 2026; the November change adds an hour, so 45 x 24 h
    end at 23:30 local on day 44 (4 Nov): the debit must still be pending then."""
    acme = approval_required
    api.sales_order("SO-AUT", acme["company"]["id"], "10.00", booked_on="2026-06-01", invoice_date="2026-06-10")
    api.set_clock("2026-09-21T00:30:00-07:00")
    requested = debit(acme["mo"], "1.00").get_json()
    assert age(api, "2026-11-04T23:45:00-08:00")["cancelled"] == 0  # 45 x 24 h have passed; day 44
    assert status_of(acme, requested["id"]) == "pending"
    assert age(api, "2026-11-05T00:00:00-08:00")["cancelled"] == 1
