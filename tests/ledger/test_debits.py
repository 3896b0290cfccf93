"""Debits (R-DEB-1..5), holds (R-DEB-3), and who may do what (R-ACC-5)."""
import pytest

from ..helpers import ledger_sum, row_counts


def balance(actor, company):
    return actor.get(f"/api/v1/companies/{company['id']}/balance").get_json()


def so_view(actor, number):
    return actor.get(f"/api/v1/sales-orders/{number}").get_json()


def debit(actor, amount, category="exam_voucher", **extra):
    return actor.post("/api/v1/debits", json={"amount": amount, "category": category,
                                              "description": extra.pop("description", "CCNP exam"), **extra})


# --- posting and allocation ------------------------------------------------------------

def test_R_DEB_3_without_captain_approval_a_debit_posts_at_once(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    response = debit(acme["mo"], "3.25")
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "posted" and body["amount"] == "3.25" and body["category"] == "exam_voucher"
    assert body["requested_by"] == "mo" and body["allocations"] == [{"so_number": "SO-1", "amount": "3.25"}]
    assert balance(acme["obi"], acme["company"])["available"] == "6.75"
    kinds = [(e["kind"], e["amount"]) for e in acme["obi"].get(
        f"/api/v1/companies/{acme['company']['id']}/ledger").get_json()["entries"]]
    assert kinds == [("activation", "10.00"), ("debit", "-3.25")]


def test_R_DEB_1_without_a_split_the_soonest_expiring_sales_order_is_drawn_first_ties_by_number(api, acme):
    company = acme["company"]["id"]
    api.sales_order("SO-30", company, "5.00", invoice_date="2026-03-01")
    api.sales_order("SO-20", company, "5.00", invoice_date="2026-02-01")
    api.sales_order("SO-10", company, "5.00", invoice_date="2026-03-01")
    response = debit(acme["mo"], "12.00")
    assert response.get_json()["allocations"] == [
        {"so_number": "SO-20", "amount": "5.00"}, {"so_number": "SO-10", "amount": "5.00"},
        {"so_number": "SO-30", "amount": "2.00"}]
    assert [so_view(acme["mo"], n)["available"] for n in ("SO-10", "SO-20", "SO-30")] == ["0.00", "0.00", "3.00"]


def test_R_DEB_1_an_explicit_split_over_several_sales_orders_is_honoured(api, acme):
    company = acme["company"]["id"]
    api.sales_order("SO-1", company, "5.00", invoice_date="2026-02-01")
    api.sales_order("SO-2", company, "5.00", invoice_date="2026-03-01")
    response = debit(acme["mo"], "4.00", allocations=[{"so_number": "SO-2", "amount": "3.50"},
                                                      {"so_number": "SO-1", "amount": "0.50"}])
    assert response.status_code == 201
    assert sorted((a["so_number"], a["amount"]) for a in response.get_json()["allocations"]) == [
        ("SO-1", "0.50"), ("SO-2", "3.50")]
    assert so_view(acme["mo"], "SO-2")["available"] == "1.50"


@pytest.mark.parametrize("allocations,message", [
    ([{"so_number": "SO-1", "amount": "1.00"}], "adds up to"),
    ([{"so_number": "SO-1", "amount": "2.00"}, {"so_number": "SO-1", "amount": "2.00"}], "once"),
    ([{"so_number": "SO-OTHER", "amount": "4.00"}], "no sales order"),
    ([{"so_number": "SO-BOOKED", "amount": "4.00"}], "booked"),
    ([{"so_number": "SO-1", "amount": "4.00"}], None),
    ([{"so_number": "SO-1", "amount": "4.001"}], "2 decimals"),
])
def test_a_bad_split_is_422_and_changes_nothing(api, acme, allocations, message):
    company = acme["company"]["id"]
    other = api.company("Globex", country="FR", locale="fr_FR")
    api.sales_order("SO-OTHER", other["id"], "50.00")
    api.sales_order("SO-1", company, "5.00")
    api.sales_order("SO-BOOKED", company, "50.00", invoice_date=None, activate=False)
    if message is None:  # a split that is fine by itself: spend SO-1 first so it falls short
        assert debit(acme["mo"], "2.00").status_code == 201
        message = "Insufficient credits on SO-1"
    before = row_counts()
    response = debit(acme["mo"], "4.00", allocations=allocations)
    assert response.status_code == 422, response.get_json()
    assert message in response.get_json()["message"] + str(response.get_json().get("errors"))
    assert row_counts() == before


def test_R_DEB_4_more_than_available_is_422_saying_how_much_there_is_and_changes_nothing(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    before = row_counts()
    response = debit(acme["mo"], "10.01")
    assert response.status_code == 422
    assert response.get_json()["message"] == "Insufficient credits: 10.01 CLC requested, 10.00 CLC available."
    assert row_counts() == before
    assert debit(acme["mo"], "10.00").status_code == 201
    assert balance(acme["mo"], acme["company"])["available"] == "0.00"


@pytest.mark.parametrize("amount", ["0", "0.00", "-1.00", "1.001", "NaN", "abc", "", None, True, [1]])
def test_R_MON_2_bad_amounts_are_422_and_change_nothing(api, acme, amount):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    before = row_counts()
    response = debit(acme["mo"], amount)
    assert response.status_code == 422
    assert "amount" in response.get_json()["errors"]["json"]
    assert row_counts() == before


@pytest.mark.parametrize("category", [
    "instructor_led_training", "digital_learning", "exam_voucher", "certification_prep", "automation_bootcamp",
    "guided_study_group", "cisco_live", "cisco_modeling_labs", "customized_offering", "learning_network_store"])
def test_R_DEB_2_eligible_categories_are_accepted(api, acme, category):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    assert debit(acme["mo"], "1.00", category=category).status_code == 201


@pytest.mark.parametrize("category,says", [
    ("learning_partner", "Learning Partner"), ("equipment", "equipment"), ("services", "services"),
    ("cisco_press_books", "Cisco Press"), ("class_materials", "Class materials"), ("travel", "Travel"),
    ("lodging", "Lodging"), ("pizza", "Unknown category")])
def test_R_DEB_2_ineligible_categories_are_refused_saying_why(api, acme, category, says):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    before = row_counts()
    response = debit(acme["mo"], "1.00", category=category)
    assert response.status_code == 422
    assert says in response.get_json()["message"]
    assert row_counts() == before


def test_observers_and_admins_do_not_request_debits(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    assert debit(acme["obi"], "1.00").status_code == 403
    assert debit(api.admin, "1.00").status_code == 403


def test_a_debit_needs_a_description(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    assert debit(acme["mo"], "1.00", description="   ").status_code == 422


# --- holds, approval, rejection, cancellation ---------------------------------------------

def test_R_DEB_3_with_captain_approval_a_request_holds_credits_until_approved(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    pending = debit(acme["mo"], "4.00").get_json()
    assert pending["status"] == "pending"
    after_hold = balance(acme["obi"], acme["company"])
    assert (after_hold["available"], after_hold["held"]) == ("6.00", "4.00")
    approved = acme["carla"].post(f"/api/v1/debits/{pending['id']}/approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "posted"
    assert approved.get_json()["decided_by"] == "carla"
    after = balance(acme["obi"], acme["company"])
    assert (after["available"], after["held"]) == ("6.00", "0.00")
    kinds = [(e["kind"], e["amount"]) for e in acme["obi"].get(
        f"/api/v1/companies/{acme['company']['id']}/ledger").get_json()["entries"]]
    assert kinds == [("activation", "10.00"), ("hold", "-4.00"), ("release", "4.00"), ("debit", "-4.00")]
    assert ledger_sum("SO-1") == 600


def test_R_DEB_4_held_credits_are_not_available_to_anyone_else(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    assert debit(acme["mo"], "8.00").status_code == 201
    assert debit(acme["carla"], "3.00").status_code == 422


@pytest.mark.parametrize("decision", ["reject", "cancel"])
def test_R_DEB_3_rejection_and_cancellation_release_the_hold(api, approval_required, decision):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    pending = debit(acme["mo"], "4.00").get_json()
    actor = acme["carla"] if decision == "reject" else acme["mo"]
    response = actor.post(f"/api/v1/debits/{pending['id']}/{decision}", json={"reason": "Not this quarter"})
    assert response.status_code == 200
    assert response.get_json()["status"] == {"reject": "rejected", "cancel": "cancelled"}[decision]
    after = balance(acme["obi"], acme["company"])
    assert (after["available"], after["held"]) == ("10.00", "0.00")


def test_a_pending_debit_resolves_exactly_once(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    pending = debit(acme["mo"], "4.00").get_json()
    assert acme["carla"].post(f"/api/v1/debits/{pending['id']}/approve").status_code == 200
    before = row_counts()
    assert acme["dana"].post(f"/api/v1/debits/{pending['id']}/approve").status_code == 409
    assert acme["dana"].post(f"/api/v1/debits/{pending['id']}/reject", json={"reason": "x"}).status_code == 409
    assert acme["mo"].post(f"/api/v1/debits/{pending['id']}/cancel").status_code == 409
    assert row_counts() == before


def test_R_ACC_5_nobody_approves_their_own_debit(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    own = debit(acme["carla"], "4.00").get_json()
    assert acme["carla"].post(f"/api/v1/debits/{own['id']}/approve").status_code == 403
    assert acme["dana"].post(f"/api/v1/debits/{own['id']}/approve").status_code == 200


def test_only_captains_decide_only_requesters_cancel_and_observers_change_nothing(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    pending = debit(acme["mo"], "4.00").get_json()
    before = row_counts()
    assert acme["mo"].post(f"/api/v1/debits/{pending['id']}/approve").status_code == 403
    assert acme["obi"].post(f"/api/v1/debits/{pending['id']}/approve").status_code == 403
    assert acme["obi"].post(f"/api/v1/debits/{pending['id']}/reject", json={"reason": "x"}).status_code == 403
    assert acme["obi"].post(f"/api/v1/debits/{pending['id']}/cancel").status_code == 403
    assert acme["carla"].post(f"/api/v1/debits/{pending['id']}/cancel").status_code == 403
    assert api.admin.post(f"/api/v1/debits/{pending['id']}/approve").status_code == 403
    assert acme["carla"].post(f"/api/v1/debits/{pending['id']}/reject", json={}).status_code == 422
    assert row_counts() == before


def test_R_ACC_4_another_companys_debit_is_404(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    pending = debit(acme["mo"], "4.00").get_json()
    globex = api.company("Globex")
    gus = api.person("gus", "captain", globex["id"])
    for method, suffix, body in [("get", "", None), ("post", "/approve", None), ("post", "/reject", {"reason": "x"}),
                                 ("post", "/cancel", None)]:
        response = getattr(gus, method)(f"/api/v1/debits/{pending['id']}{suffix}", json=body)
        absent = getattr(gus, method)(f"/api/v1/debits/999999{suffix}", json=body)
        assert response.status_code == absent.status_code == 404
    assert gus.get("/api/v1/debits").get_json()["debits"] == []


def test_debits_are_listed_for_the_callers_company_filtered_by_status(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    first = debit(acme["mo"], "1.00").get_json()
    second = debit(acme["mo"], "2.00").get_json()
    acme["carla"].post(f"/api/v1/debits/{first['id']}/approve")
    pending = acme["obi"].get("/api/v1/debits?status=pending").get_json()["debits"]
    assert [d["id"] for d in pending] == [second["id"]]
    assert [d["id"] for d in acme["obi"].get("/api/v1/debits").get_json()["debits"]] == [second["id"], first["id"]]
    assert acme["obi"].get(f"/api/v1/debits/{first['id']}").get_json()["status"] == "posted"
    assert acme["obi"].get("/api/v1/debits?status=bogus").status_code == 422


# --- idempotency ------------------------------------------------------------------------

def test_R_DEB_5_the_same_idempotency_key_returns_the_first_response_and_creates_nothing(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    body = {"amount": "2.00", "category": "exam_voucher", "description": "CCNA"}
    first = acme["mo"].post("/api/v1/debits", json=body, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == 201
    before = row_counts()
    again = acme["mo"].post("/api/v1/debits", json=body, headers={"Idempotency-Key": "abc-1"})
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert row_counts() == before
    assert balance(acme["mo"], acme["company"])["available"] == "8.00"


def test_R_DEB_5_the_same_key_with_a_different_body_is_422(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    acme["mo"].post("/api/v1/debits", json={"amount": "2.00", "category": "exam_voucher", "description": "CCNA"},
                    headers={"Idempotency-Key": "abc-1"})
    before = row_counts()
    other = acme["mo"].post("/api/v1/debits", json={"amount": "3.00", "category": "exam_voucher",
                                                    "description": "CCNA"}, headers={"Idempotency-Key": "abc-1"})
    assert other.status_code == 422
    assert row_counts() == before


def test_R_DEB_5_keys_belong_to_one_user(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    body = {"amount": "2.00", "category": "exam_voucher", "description": "CCNA"}
    assert acme["mo"].post("/api/v1/debits", json=body, headers={"Idempotency-Key": "k"}).status_code == 201
    assert acme["carla"].post("/api/v1/debits", json=body, headers={"Idempotency-Key": "k"}).status_code == 201
    assert balance(acme["mo"], acme["company"])["available"] == "6.00"


def test_a_refused_request_does_not_burn_its_idempotency_key(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "1.00")
    body = {"amount": "2.00", "category": "exam_voucher", "description": "CCNA"}
    assert acme["mo"].post("/api/v1/debits", json=body, headers={"Idempotency-Key": "k"}).status_code == 422
    api.sales_order("SO-2", acme["company"]["id"], "5.00")
    assert acme["mo"].post("/api/v1/debits", json=body, headers={"Idempotency-Key": "k"}).status_code == 201
