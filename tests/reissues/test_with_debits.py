"""Reissues alongside real debits (the company requires captain approval, so debits hold)."""
import pytest

from .conftest import SO, noon_on, entries_of, plan, stored_balances_match_entries

URL = f"/api/v1/sales-orders/{SO}/reissue-requests"


def pending_debit(acme_expiring, amount="30.00"):
    response = acme_expiring["mia"].post("/api/v1/debits", json={
        "amount": amount, "category": "exam_voucher", "description": "CCNA exam"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "pending"
    return response.get_json()["id"]


def reissue(api, acme_expiring, day, total):
    api.set_clock(noon_on(day))
    created = acme_expiring["carla"].post(URL, json=plan(total=total, planned_on=day))
    assert created.status_code == 201, created.get_json()
    approved = api.admin.post(f"/api/v1/reissue-requests/{created.get_json()['id']}/approve")
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()


def balance_of(actor, company_id):
    body = actor.get(f"/api/v1/companies/{company_id}/balance").get_json()
    return body["available"], body["held"], {s["so_number"]: (s["status"], s["available"], s["held"])
                                             for s in body["sales_orders"]}


def test_held_credits_are_not_reissued_and_a_held_debit_still_posts_from_the_closed_original(api, acme_expiring):
    api.set_clock(noon_on("2026-11-20"))
    debit_id = pending_debit(acme_expiring)
    assert reissue(api, acme_expiring, "2026-12-01", "70.00")["amount"] == "70.00"
    available, held, per_so = balance_of(acme_expiring["carla"], acme_expiring["company"]["id"])
    assert (available, held) == ("70.00", "30.00")
    assert per_so[SO] == ("closed", "0.00", "30.00") and per_so["SO-1-R"] == ("active", "70.00", "0.00")
    assert acme_expiring["carla"].post(f"/api/v1/debits/{debit_id}/approve").json["status"] == "posted"
    assert balance_of(acme_expiring["carla"], acme_expiring["company"]["id"])[:2] == ("70.00", "0.00")
    assert stored_balances_match_entries()


def test_a_new_debit_draws_from_the_reissue_block_not_the_closed_original(api, acme_expiring):
    reissue(api, acme_expiring, "2026-12-01", "100.00")
    debit = acme_expiring["carla"].post("/api/v1/debits", json={
        "amount": "10.00", "category": "exam_voucher", "description": "CCNA exam"}).get_json()
    assert [a["so_number"] for a in debit["allocations"]] == ["SO-1-R"]
    refused = acme_expiring["carla"].post("/api/v1/debits", json={
        "amount": "1.00", "category": "exam_voucher", "description": "x",
        "allocations": [{"so_number": SO, "amount": "1.00"}]})
    assert refused.status_code == 422


def test_R_EXP_3_held_credits_survive_expiry_and_are_not_part_of_the_expired_amount(api, acme_expiring):
    api.set_clock(noon_on("2027-01-05"))
    pending_debit(acme_expiring)
    approved = reissue(api, acme_expiring, "2027-01-20", "70.00")
    assert approved["amount"] == "70.00"
    assert entries_of(acme_expiring["carla"], acme_expiring["company"]["id"], SO)[-3:] == [
        ("expiry", SO, "-70.00"), ("expiry", SO, "70.00"), ("reissue_out", SO, "-70.00")]
    assert stored_balances_match_entries()


@pytest.mark.parametrize("before_expiry", [True, False])
def test_credits_released_on_a_closed_original_follow_the_reissue(api, acme_expiring, before_expiry):
    api.set_clock(noon_on("2026-12-20" if before_expiry else "2027-01-05"))
    debit_id = pending_debit(acme_expiring)
    reissue(api, acme_expiring, "2026-12-21" if before_expiry else "2027-01-20", "70.00")
    assert acme_expiring["carla"].post(f"/api/v1/debits/{debit_id}/reject", json={"reason": "Wrong exam."}).status_code == 200
    assert stored_balances_match_entries()
    available, held, per_so = balance_of(acme_expiring["carla"], acme_expiring["company"]["id"])
    assert per_so["SO-1-R"][1] == "100.00" and per_so[SO] == ("closed", "0.00", "0.00")
