"""Reviewing a reissue request (R-RSS-3, R-RSS-4): the new SO, the moved credits, the ledger."""
from datetime import date

import pytest
from sqlalchemy import select

from clc_ledger.accounts.services import lock_company
from clc_ledger.db import transactional
from clc_ledger.extensions import db
from clc_ledger.ledger.entries import record_entry
from clc_ledger.ledger.expiry import expire_if_due
from clc_ledger.ledger.models import Debit, DebitAllocation, SalesOrder
from clc_ledger.reissues import services
from clc_ledger.reissues.rules import can_request_reissue, reissue_window
from clc_ledger import clock

from ..helpers import ledger_sum, row_counts
from .conftest import SO, noon_on, entries_of, plan, stored_balances_match_entries

URL = f"/api/v1/sales-orders/{SO}/reissue-requests"


def request_on(api, acme_expiring, day, **plan_args):
    api.set_clock(noon_on(day))
    response = acme_expiring["carla"].post(URL, json=plan(**plan_args))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def so_row(so_number):
    db.session.rollback()
    return db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == so_number))


# Holds, as a pending debit writes them (the reissue code never creates debits itself).
@transactional
def hold(so_number, amount, user_id):
    so = db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == so_number))
    company = lock_company(so.company_id)
    debit = Debit(company_id=company.id, requested_by_id=user_id, amount=amount, category="exam_voucher",
                  description="CCNA exam", status="pending", requested_at=clock.now())
    db.session.add(debit)
    db.session.flush()
    db.session.add(DebitAllocation(debit_id=debit.id, sales_order_id=so.id, amount=amount))
    record_entry(company, so, "hold", -amount, debit_id=debit.id, description="held")
    return debit.id


@transactional
def release(debit_id):
    """What rejecting a pending debit does, followed by the reissue hook for closed SOs."""
    debit = db.session.get(Debit, debit_id)
    company = lock_company(debit.company_id)
    debit.status = "rejected"
    moved = 0
    for allocation in debit.allocations:
        so = allocation.sales_order
        db.session.refresh(so)
        record_entry(company, so, "release", allocation.amount, debit_id=debit.id, description="released")
        moved += services.forward_released_credits(company, so)
        expire_if_due(company, so, clock.now())
    return moved


def test_R_RSS_4_approval_before_expiry_moves_the_available_balance_to_a_new_6_month_block(api, acme_expiring):
    request_id = request_on(api, acme_expiring, "2026-11-30")
    api.set_clock(noon_on("2026-12-31"))
    response = api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("status", "new_so_number", "amount", "expires_on")} == {
        "status": "approved", "new_so_number": "SO-1-R", "amount": "100.00",
        "expires_on": "2027-06-30"}  # 31 Dec + 6 calendar months, clamped to June's last day
    original = api.admin.get(f"/api/v1/sales-orders/{SO}").get_json()
    assert original["status"] == "closed" and original["available"] == "0.00"
    new = acme_expiring["olga"].get("/api/v1/sales-orders/SO-1-R").get_json()
    assert {k: new[k] for k in ("status", "credits", "available", "booked_on", "invoice_date", "expires_on",
                                "reissue_of", "days_left")} == {
        "status": "active", "credits": "100.00", "available": "100.00", "booked_on": "2026-12-31",
        "invoice_date": "2026-12-31", "expires_on": "2027-06-30", "reissue_of": SO, "days_left": 181}
    assert entries_of(acme_expiring["carla"], acme_expiring["company"]["id"]) == [
        ("activation", SO, "100.00"), ("reissue_out", SO, "-100.00"), ("reissue_in", "SO-1-R", "100.00")]
    assert ledger_sum(SO) == 0 and ledger_sum("SO-1-R") == 10000
    assert stored_balances_match_entries()
    balance = acme_expiring["carla"].get(f"/api/v1/companies/{acme_expiring['company']['id']}/balance").get_json()
    assert balance["available"] == "100.00"  # counted once, on the new block
    detail = acme_expiring["carla"].get(f"/api/v1/reissue-requests/{request_id}").get_json()
    assert detail["status"] == "approved" and detail["reviewed_by"] == "backoffice"
    assert detail["new_so_number"] == "SO-1-R"


def test_R_RSS_4_approval_moves_the_balance_at_approval_time_not_at_request_time(api, acme_expiring):
    request_id = request_on(api, acme_expiring, "2026-11-30")

    @transactional
    def spend(amount):
        so = db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == SO))
        record_entry(lock_company(so.company_id), so, "debit", -amount, description="spent meanwhile")

    spend(2550)
    body = api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve").get_json()
    assert body["amount"] == "74.50" and body["requested_amount"] == "100.00"
    assert stored_balances_match_entries()


def test_R_RSS_4_approval_after_expiry_restores_the_amount_that_expired(api, acme_expiring):
    request_id = request_on(api, acme_expiring, "2027-01-05")
    api.set_clock(noon_on("2027-01-20"))  # past expiry; the expire-credits job has not run
    assert api.admin.get(f"/api/v1/sales-orders/{SO}").get_json()["status"] == "expired"
    response = api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["amount"] == "100.00" and body["expires_on"] == "2027-07-20"
    assert entries_of(acme_expiring["carla"], acme_expiring["company"]["id"]) == [
        ("activation", SO, "100.00"),
        ("expiry", SO, "-100.00"),  # written first, as the job would have
        ("expiry", SO, "100.00"),  # the expiry undone: these credits moved, they did not expire
        ("reissue_out", SO, "-100.00"),
        ("reissue_in", "SO-1-R", "100.00"),
    ]
    assert api.admin.get(f"/api/v1/sales-orders/{SO}").get_json()["status"] == "closed"
    assert ledger_sum(SO) == 0 and ledger_sum("SO-1-R") == 10000
    assert stored_balances_match_entries()
    balance = acme_expiring["carla"].get(f"/api/v1/companies/{acme_expiring['company']['id']}/balance").get_json()
    assert balance["available"] == "100.00"


def test_R_RSS_4_request_and_approval_after_the_expiry_job_ran(api, acme_expiring):
    api.set_clock(noon_on("2027-02-01"))

    ran = api.admin.post("/api/v1/jobs/expire-credits/run")
    assert ran.status_code == 200 and ran.get_json()["result"]["expired_credits"] == "100.00"
    request_id = request_on(api, acme_expiring, "2027-02-02", planned_on="2027-08-02")
    api.set_clock(noon_on("2027-04-15"))  # approval may come after the request window closed
    body = api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve").get_json()
    assert body["amount"] == "100.00" and body["expires_on"] == "2027-10-15"
    assert stored_balances_match_entries()
    assert services.expired_amount(so_row(SO)) == 0  # nothing counts as expired any more


def test_held_credits_stay_on_the_closed_original_and_follow_the_reissue_if_released(api, acme_expiring):
    debit_id = hold(SO, 3000, acme_expiring["carla"].user.id)
    request_id = request_on(api, acme_expiring, "2026-12-01", total="70.00")
    body = api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve").get_json()
    assert body["amount"] == "70.00"
    original = so_row(SO)
    assert (original.status, original.balance, original.held) == ("closed", 3000, 3000)
    assert release(debit_id) == 3000
    assert (so_row(SO).balance, so_row(SO).held) == (0, 0)
    assert so_row("SO-1-R").balance == 10000
    assert entries_of(acme_expiring["carla"], acme_expiring["company"]["id"])[-3:] == [
        ("release", SO, "30.00"), ("reissue_out", SO, "-30.00"), ("reissue_in", "SO-1-R", "30.00")]
    assert stored_balances_match_entries()


def test_released_credits_expire_at_once_if_the_reissue_block_has_expired_too(api, acme_expiring):
    debit_id = hold(SO, 3000, acme_expiring["carla"].user.id)
    request_id = request_on(api, acme_expiring, "2026-12-01", total="70.00")
    assert api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve").status_code == 200
    api.set_clock(noon_on("2027-07-01"))  # SO-1-R expired on 2027-06-01
    release(debit_id)
    assert so_row("SO-1-R").status == "expired" and so_row("SO-1-R").balance == 0
    assert entries_of(acme_expiring["carla"], acme_expiring["company"]["id"], "SO-1-R") == [
        ("reissue_in", "SO-1-R", "70.00"), ("reissue_in", "SO-1-R", "30.00"), ("expiry", "SO-1-R", "-100.00")]
    assert stored_balances_match_entries()


def test_approval_with_everything_held_is_422_and_changes_nothing(api, acme_expiring):
    request_id = request_on(api, acme_expiring, "2026-12-01")
    hold(SO, 10000, acme_expiring["carla"].user.id)
    before = row_counts()
    assert api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve").status_code == 422
    assert row_counts() == before
    assert api.admin.get(f"/api/v1/reissue-requests/{request_id}").get_json()["status"] == "submitted"


def test_R_RSS_3_a_request_is_reviewed_once(api, acme_expiring):
    request_id = request_on(api, acme_expiring, "2026-12-01")
    assert api.admin.post(f"/api/v1/reissue-requests/{request_id}/reject", json={"reason": "No plan."}).status_code == 200
    before = row_counts()
    assert api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve").status_code == 409
    assert api.admin.post(f"/api/v1/reissue-requests/{request_id}/reject", json={"reason": "Again."}).status_code == 409
    assert row_counts() == before
    again = acme_expiring["carla"].post(URL, json=plan()).get_json()["id"]
    assert api.admin.post(f"/api/v1/reissue-requests/{again}/approve").status_code == 200
    assert api.admin.post(f"/api/v1/reissue-requests/{again}/approve").status_code == 409
    assert api.admin.post(f"/api/v1/reissue-requests/{again}/reject", json={"reason": "Late."}).status_code == 409
    assert stored_balances_match_entries()


@pytest.mark.parametrize("body", [{"reason": ""}, {"reason": "   "}, {}])
def test_a_rejection_needs_a_reason(api, acme_expiring, body):
    request_id = request_on(api, acme_expiring, "2026-12-01")
    before = row_counts()
    assert api.admin.post(f"/api/v1/reissue-requests/{request_id}/reject", json=body).status_code == 422
    assert row_counts() == before


@pytest.mark.parametrize("who", ["carla", "mia", "olga"])
def test_only_admins_review(api, acme_expiring, who):
    request_id = request_on(api, acme_expiring, "2026-12-01")
    before = row_counts()
    assert acme_expiring[who].post(f"/api/v1/reissue-requests/{request_id}/approve").status_code == 403
    assert acme_expiring[who].post(f"/api/v1/reissue-requests/{request_id}/reject", json={"reason": "x"}).status_code == 403
    assert row_counts() == before


def test_unknown_requests_are_404(api, acme_expiring):
    assert api.admin.post("/api/v1/reissue-requests/999/approve").status_code == 404
    assert api.admin.post("/api/v1/reissue-requests/999/reject", json={"reason": "x"}).status_code == 404
    assert api.admin.get("/api/v1/reissue-requests/999").status_code == 404


def test_the_reissue_number_avoids_an_existing_one(api, acme_expiring):
    api.sales_order("SO-1-R", acme_expiring["company"]["id"], "1.00")
    request_id = request_on(api, acme_expiring, "2026-12-01")
    assert api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve").get_json()["new_so_number"] == "SO-1-R2"


# --- rules.py and the month arithmetic -----------------------------------------------

def test_rules_window_and_eligibility(api, acme_expiring):
    so = so_row(SO)
    assert reissue_window(so) == (date(2026, 11, 11), date(2027, 3, 11))
    assert not can_request_reissue(so, date(2026, 11, 10))
    assert can_request_reissue(so, date(2026, 11, 11))
    assert can_request_reissue(so, date(2027, 3, 11))
    assert not can_request_reissue(so, date(2027, 3, 12))
    request_id = request_on(api, acme_expiring, "2026-12-01")
    assert reissue_window(so_row(SO)) is None  # a request is under review
    api.admin.post(f"/api/v1/reissue-requests/{request_id}/reject", json={"reason": "No."})
    assert can_request_reissue(so_row(SO), date(2026, 12, 2))
    request_id = request_on(api, acme_expiring, "2026-12-02")
    api.admin.post(f"/api/v1/reissue-requests/{request_id}/approve")
    assert reissue_window(so_row(SO)) is None and not can_request_reissue(so_row(SO), date(2026, 12, 3))
    assert reissue_window(so_row("SO-1-R")) is None  # a reissue is never reissued


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 12, 1), 6, date(2027, 6, 1)),
    (date(2026, 7, 15), 6, date(2027, 1, 15)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert services.add_months(day, months) == expected


def test_R_RSS_3_the_database_itself_refuses_a_second_open_request(api, acme_expiring):
    from sqlalchemy.exc import IntegrityError

    from clc_ledger.reissues.models import ReissueRequest

    request_on(api, acme_expiring, "2026-12-01")
    so = so_row(SO)
    db.session.add(ReissueRequest(sales_order_id=so.id, requested_by_id=acme_expiring["carla"].user.id, amount=1,
                                  status="submitted"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
