"""Disputes (R-DSP-1..2): a captain refutes a posted debit; an admin upholds or denies."""
import pytest

from clc_ledger.ledger.verify import verify_ledger

from ..helpers import ledger_sum, row_counts
from ..ledger.test_debits import balance, debit, so_view


@pytest.fixture
def posted(api, acme):
    """A 6.00 debit drawn 4.00 from SO-1 and 2.00 from SO-2."""
    company = acme["company"]["id"]
    api.sales_order("SO-1", company, "4.00", invoice_date="2026-01-10")
    api.sales_order("SO-2", company, "10.00", invoice_date="2026-03-10")
    charge = debit(acme["mo"], "6.00").get_json()
    assert charge["status"] == "posted"
    return acme, charge


def dispute(actor, debit_id, reason="We never attended this course"):
    return actor.post(f"/api/v1/debits/{debit_id}/disputes", json={"reason": reason})


def test_R_DSP_1_a_captain_disputes_a_posted_debit(posted):
    acme, charge = posted
    response = dispute(acme["carla"], charge["id"])
    assert response.status_code == 201
    body = response.get_json()
    assert (body["debit_id"], body["status"]) == (charge["id"], "open") and body["id"] > 0
    assert acme["obi"].get(f"/api/v1/disputes/{body['id']}").get_json()["reason"] == "We never attended this course"


def test_R_DSP_1_upheld_reverses_to_the_sales_orders_the_debit_came_from(api, posted):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    response = api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "upheld", "note": "ok"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "upheld" and response.get_json()["reversed_amount"] == "6.00"
    assert so_view(acme["mo"], "SO-1")["available"] == "4.00"
    assert so_view(acme["mo"], "SO-2")["available"] == "10.00"
    reversals = [(e["so_number"], e["amount"], e["debit_id"]) for e in acme["obi"].get(
        f"/api/v1/companies/{acme['company']['id']}/ledger").get_json()["entries"] if e["kind"] == "reversal"]
    assert sorted(reversals) == [("SO-1", "4.00", charge["id"]), ("SO-2", "2.00", charge["id"])]
    assert verify_ledger() is None


def test_R_DSP_1_a_reversal_never_gives_back_more_than_was_taken(api, posted):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "upheld"})
    before = row_counts()
    assert dispute(acme["carla"], charge["id"]).status_code == 409
    assert row_counts() == before
    assert ledger_sum("SO-1") == 400 and ledger_sum("SO-2") == 1000


def test_R_DSP_1_denied_changes_no_balance_and_a_new_dispute_may_follow(api, posted):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    before = balance(acme["obi"], acme["company"])
    response = api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "denied", "note": "Attended"})
    assert response.status_code == 200 and response.get_json()["status"] == "denied"
    assert balance(acme["obi"], acme["company"]) == before
    assert dispute(acme["dana"], charge["id"], "Second look").status_code == 201


def test_R_DSP_1_one_open_dispute_per_debit_and_each_is_resolved_once(api, posted):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    before = row_counts()
    assert dispute(acme["dana"], charge["id"]).status_code == 409
    assert row_counts() == before
    assert api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "denied"}).status_code == 200
    before = row_counts()
    assert api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "upheld"}).status_code == 409
    assert row_counts() == before


def test_only_posted_debits_can_be_disputed(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    pending = debit(acme["mo"], "1.00").get_json()
    assert dispute(acme["carla"], pending["id"]).status_code == 409


@pytest.mark.parametrize("who,status", [("mo", 403), ("obi", 403), ("newcomer", 403), ("nobody", 401),
                                        ("gus", 404)])
def test_who_may_dispute(api, posted, who, status):
    acme, charge = posted
    actors = dict(acme)
    actors["newcomer"] = api.person("nina", "captain", acme["company"]["id"], accept_terms=False)
    other = api.company("Globex")
    actors["gus"] = api.person("gus", "captain", other["id"])
    before = row_counts()
    if who == "nobody":
        response = api.client.post(f"/api/v1/debits/{charge['id']}/disputes", json={"reason": "x"})
    else:
        response = dispute(actors[who], charge["id"])
    assert response.status_code == status
    assert row_counts() == before


def test_only_admins_resolve_and_the_outcome_must_be_upheld_or_denied(api, posted):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    before = row_counts()
    assert acme["carla"].post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "upheld"}).status_code == 403
    assert api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "maybe"}).status_code == 422
    assert dispute(acme["carla"], charge["id"], reason="").status_code == 422
    assert api.admin.post("/api/v1/disputes/999999/resolve", json={"outcome": "denied"}).status_code == 404
    assert row_counts() == before


def test_another_companys_dispute_is_404(api, posted):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    other = api.company("Globex")
    gus = api.person("gus", "captain", other["id"])
    assert gus.get(f"/api/v1/disputes/{opened['id']}").status_code == 404
    assert gus.get("/api/v1/disputes").get_json()["disputes"] == []
    assert [d["id"] for d in api.admin.get("/api/v1/disputes?status=open").get_json()["disputes"]] == [opened["id"]]


def test_R_DSP_2_credits_returned_to_an_expired_sales_order_expire_at_once_and_count_for_its_reissue(api, posted):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    api.set_clock("2027-01-12T20:00:00+00:00")  # SO-1 expired on 10 Jan (nothing left on it then)
    api.admin.post("/api/v1/jobs/expire-credits/run")
    assert api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "upheld"}).status_code == 200
    view = so_view(acme["mo"], "SO-1")
    assert (view["status"], view["available"]) == ("expired", "0.00")
    kinds = [(e["kind"], e["amount"]) for e in acme["obi"].get(
        f"/api/v1/companies/{acme['company']['id']}/ledger").get_json()["entries"] if e["so_number"] == "SO-1"]
    assert kinds[-2:] == [("reversal", "4.00"), ("expiry", "-4.00")]
    assert so_view(acme["mo"], "SO-2")["available"] == "10.00"
    reissue = acme["carla"].post("/api/v1/sales-orders/SO-1/reissue-requests", json={
        "justification": "Returned by a dispute after expiry",
        "training_plan": [{"item": "CCNP ENCOR", "category": "instructor_led_training",
                           "planned_on": "2027-03-01", "credits": "4.00"}]})
    assert reissue.status_code == 201 and reissue.get_json()["amount"] == "4.00"
    assert verify_ledger() is None


def test_the_captain_who_disputed_hears_the_outcome(api, posted, smtp):
    acme, charge = posted
    opened = dispute(acme["carla"], charge["id"]).get_json()
    api.admin.post(f"/api/v1/disputes/{opened['id']}/resolve", json={"outcome": "upheld", "note": "Refunded"})
    api.admin.post("/api/v1/jobs/deliver-outbox/run")
    [message] = [m for m in smtp.messages if "carla@example.com" in m["To"] and "Your dispute" in m["Subject"]]
    assert message["Subject"] == f"Your dispute of debit #{charge['id']} was upheld"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "6.00 CLC ($600.00)" in text and "Note: Refunded" in text
