"""Training bought with CLCs earns credits (R-CEL-1..4): planned claims on posting, projected
never earned, lapses told to the captains, upheld disputes, exam vouchers."""
import pytest

from tests.helpers import row_counts

from .conftest import certifications, certify


@pytest.fixture
def funded(api, roster, catalog):
    api.sales_order("SO-1", roster["company"]["id"], "500.00")
    certify(roster["carla"], roster["pat"]["id"])
    certify(roster["carla"], roster["quinn"]["id"])
    return roster


def buy(actor, catalog, attendees, *, seats=None, category="instructor_led_training", amount="90.00",
        event_date="2026-06-20", item="encor", expect=201):
    body = {"amount": amount, "category": category, "description": "ENCOR course", "event_date": event_date,
            "ce_item_id": catalog[item]["id"] if item else None, "attendees": attendees}
    if seats is not None:
        body["seats"] = seats
    response = actor.post("/api/v1/debits", json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def claims_of(actor, **query):
    response = actor.get("/api/v1/ce-claims", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["claims"]


def test_attendees_are_the_companys_people_at_most_the_seats_and_the_category_matches(api, funded, catalog):  # R-CEL-1
    carla, pat, quinn = funded["carla"], funded["pat"]["id"], funded["quinn"]["id"]
    other = api.company("Globex")
    gina = api.person("gina", "captain", other["id"])
    stranger = gina.post("/api/v1/people", json={"name": "Stranger", "email": "s@globex.example"}).get_json()
    before = row_counts()
    buy(carla, catalog, [pat, quinn], seats=1, expect=422)
    buy(carla, catalog, [pat, pat], seats=2, expect=422)
    buy(carla, catalog, [pat], category="digital_learning", expect=422)  # ENCOR is instructor-led training
    buy(carla, catalog, [pat, stranger["id"]], seats=2, expect=404)
    buy(carla, catalog, [99999], expect=404)
    assert row_counts() == before


def test_posting_creates_one_planned_claim_per_attendee_projected_never_earned(api, funded, catalog):  # R-CEL-2, R-CEL-3
    carla, pat, quinn = funded["carla"], funded["pat"]["id"], funded["quinn"]["id"]
    debit = buy(carla, catalog, [pat, quinn], seats=3)
    planned = claims_of(carla, debit_id=debit["id"])
    assert sorted((c["person_id"], c["status"], c["credits"]) for c in planned) == [
        (pat, "planned", 40), (quinn, "planned", 40)]
    row = certifications(carla, pat)["CCNP Enterprise"]
    assert (row["earned"], row["projected"], row["gap"], row["met"]) == (0, 40, 80, False)
    # Completing turns it into a submission, prefilled from the debit.
    [mine] = [c for c in planned if c["person_id"] == pat]
    assert mine["expected_on"] == "2026-06-20" and mine["ce_item_id"] == catalog["encor"]["id"]
    api.set_clock("2026-06-21T19:00:00+00:00")
    done = carla.post(f"/api/v1/ce-claims/{mine['id']}/complete", json={"completed_on": "2026-06-20",
                                                                       "validation_code": "CERT-9"})
    assert done.status_code == 200 and done.get_json()["status"] == "pending"
    row = certifications(carla, pat)["CCNP Enterprise"]
    assert (row["earned"], row["pending"], row["projected"]) == (0, 40, 0)


def test_pending_rejected_and_cancelled_debits_create_no_claims_approval_does(api, funded, approval_required, catalog):  # R-CEL-2
    carla, dana, mo, pat = funded["carla"], funded["dana"], funded["mo"], funded["pat"]["id"]
    first = buy(mo, catalog, [pat])
    second = buy(mo, catalog, [pat])
    third = buy(mo, catalog, [pat])
    assert claims_of(carla) == []
    assert carla.post(f"/api/v1/debits/{first['id']}/reject", json={"reason": "no"}).status_code == 200
    assert mo.post(f"/api/v1/debits/{second['id']}/cancel").status_code == 200
    assert claims_of(carla) == []
    assert dana.post(f"/api/v1/debits/{third['id']}/approve").status_code == 200
    assert carla.post(f"/api/v1/debits/{third['id']}/approve").status_code == 409
    assert [(c["debit_id"], c["status"]) for c in claims_of(carla)] == [(third["id"], "planned")]


def test_planned_claims_lapse_90_days_after_the_event_and_captains_hear_the_seat_cost_once(api, funded, catalog, smtp):  # R-CEL-3
    carla, pat, quinn = funded["carla"], funded["pat"]["id"], funded["quinn"]["id"]
    debit = buy(carla, catalog, [pat, quinn], seats=3, amount="90.00", event_date="2026-06-20")
    api.set_clock("2026-09-18T19:00:00+00:00")  # day 90: still claimable
    assert api.admin.post("/api/v1/jobs/lapse-planned-claims/run").get_json()["result"]["claims_lapsed"] == 0
    api.set_clock("2026-09-19T19:00:00+00:00")  # day 91
    for _ in range(2):
        assert api.admin.post("/api/v1/jobs/lapse-planned-claims/run").status_code == 200
    assert {c["status"] for c in claims_of(carla, debit_id=debit["id"])} == {"lapsed"}
    api.admin.post("/api/v1/jobs/deliver-outbox/run")
    [message] = [m for m in smtp.messages if "never credited" in m["Subject"]]
    assert sorted(message["To"].split(", ")) == ["carla@example.com", "dana@example.com"]
    text = message.get_body(("plain",)).get_content()
    assert "Pat" in text and "Quinn" in text and "30.00 CLC" in text and "60.00 CLC" in text
    assert "never credited" in message["Subject"]
    assert carla.post(f"/api/v1/ce-claims/{claims_of(carla)[0]['id']}/complete",
                      json={"completed_on": "2026-06-20"}).status_code == 409


def test_an_upheld_dispute_cancels_planned_claims_and_flags_the_others(api, funded, catalog):  # R-CEL-3
    carla, pat, quinn = funded["carla"], funded["pat"]["id"], funded["quinn"]["id"]
    debit = buy(carla, catalog, [pat, quinn], event_date="2026-06-10")
    [first, second] = claims_of(carla, debit_id=debit["id"])
    assert carla.post(f"/api/v1/ce-claims/{first['id']}/complete", json={"completed_on": "2026-06-10"}).status_code == 200
    dispute = carla.post(f"/api/v1/debits/{debit['id']}/disputes", json={"reason": "Course cancelled"}).get_json()
    assert api.admin.post(f"/api/v1/disputes/{dispute['id']}/resolve", json={"outcome": "upheld"}).status_code == 200
    after = {c["id"]: c for c in claims_of(carla, debit_id=debit["id"])}
    assert (after[first["id"]]["status"], after[first["id"]]["flagged"]) == ("pending", True)
    assert after[second["id"]]["status"] == "cancelled"


def test_a_denied_dispute_changes_no_claim(api, funded, catalog):  # R-CEL-3
    carla, pat = funded["carla"], funded["pat"]["id"]
    debit = buy(carla, catalog, [pat])
    dispute = carla.post(f"/api/v1/debits/{debit['id']}/disputes", json={"reason": "?"}).get_json()
    api.admin.post(f"/api/v1/disputes/{dispute['id']}/resolve", json={"outcome": "denied"})
    assert [(c["status"], c["flagged"]) for c in claims_of(carla)] == [("planned", False)]


def test_exam_vouchers_last_12_months_and_remind_at_60_and_30_days_unless_used(api, funded, catalog, smtp):  # R-CEL-4
    carla, pat, quinn = funded["carla"], funded["pat"]["id"], funded["quinn"]["id"]
    buy(carla, catalog, [pat, quinn], item=None, category="exam_voucher", amount="8.00", event_date=None)
    from clc_ledger.extensions import db
    from clc_ledger.learning.models import Voucher

    assert {str(v.valid_until) for v in db.session.scalars(db.select(Voucher))} == {"2027-06-15"}
    carla.post(f"/api/v1/people/{quinn}/exams", json={"code": "200-301", "kind": "associate",
                                                      "passed_on": "2026-06-15"})
    for when in ("2027-04-15", "2027-04-16", "2027-05-16", "2027-06-16"):  # 61, 60, 30 days before, then lapsed
        api.set_clock(f"{when}T19:00:00+00:00")
        for _ in range(2):
            assert api.admin.post("/api/v1/jobs/learning-reminders/run").status_code == 200
    api.admin.post("/api/v1/jobs/deliver-outbox/run")
    smtp.messages[:] = [m for m in smtp.messages if "voucher" in m["Subject"]]
    assert [m["Subject"] for m in smtp.messages] == ["Pat: an exam voucher lapses in 60 days",
                                                     "Pat: an exam voucher lapses in 30 days"]
    assert sorted(smtp.messages[0]["To"].split(", ")) == ["carla@example.com", "dana@example.com",
                                                          "pat@acme.example"]


def test_a_retried_request_with_its_idempotency_key_plans_the_claims_once(api, funded, catalog):  # R-CEL-2, R-DEB-5
    carla, pat = funded["carla"], funded["pat"]["id"]
    body = {"amount": "40.00", "category": "instructor_led_training", "description": "ENCOR", "event_date": "2026-06-20",
            "ce_item_id": catalog["encor"]["id"], "seats": 1, "attendees": [pat]}
    first = carla.post("/api/v1/debits", json=body, headers={"Idempotency-Key": "encor-pat-1"})
    again = carla.post("/api/v1/debits", json=body, headers={"Idempotency-Key": "encor-pat-1"})
    assert first.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert [c["person_id"] for c in claims_of(carla)] == [pat]
