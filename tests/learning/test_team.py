"""The team view (R-TEAM-1): spend and yield for a period against a hand computation, the
lapse forecast with its reasons, and who sees what."""
import pytest

from .conftest import certify, claim
from .test_clc_link import buy, claims_of


def complete_and_earn(actor, claim_id, on):
    response = actor.post(f"/api/v1/ce-claims/{claim_id}/complete", json={"completed_on": on, "validation_code": "V"})
    assert response.status_code == 200, response.get_json()
    assert actor.post(f"/api/v1/ce-claims/{claim_id}/earn").status_code == 200


@pytest.fixture
def seeded(api, roster, catalog):
    """Acme at 2026-06-15 with 500.00 CLC. Hand-made figures for 2026-06-01..2026-12-31:
    - debit A: ENCOR (40 CE), 90.00 for Pat and Quinn, both complete and are earned;
    - debit B: AUTO (30 CE), 60.00 for 3 seats, Quinn only: never completed, lapses (20.00 a seat);
    - debit C: PY-REV (15 CE), 30.00 for Pat, disputed and upheld: reversed, spends nothing;
    - debit D: 50.00 without a CE item: not credit-bearing;
    - Pat earns BIG (64 CE) he paid himself; Ray earns PY-REV (15 CE) himself, and his CCNA
      expires on 2026-07-01 with those 15 unused."""
    carla, pat, quinn = roster["carla"], roster["pat"]["id"], roster["quinn"]["id"]
    ray = roster["person"]("Ray")["id"]
    api.sales_order("SO-1", roster["company"]["id"], "500.00")
    certify(carla, pat)
    certify(carla, quinn)
    certify(carla, ray, name="CCNA", level="associate", earned_on="2023-07-01")
    a = buy(carla, catalog, [pat, quinn], amount="90.00", event_date="2026-06-14")
    buy(carla, catalog, [quinn], seats=3, amount="60.00", item="auto", category="instructor_led_training",
        event_date="2026-06-25")
    c = buy(carla, catalog, [pat], amount="30.00", item="python", category="digital_learning")
    buy(carla, catalog, [], amount="50.00", item=None, category="digital_learning")
    dispute = carla.post(f"/api/v1/debits/{c['id']}/disputes", json={"reason": "Course cancelled"}).get_json()
    assert api.admin.post(f"/api/v1/disputes/{dispute['id']}/resolve", json={"outcome": "upheld"}).status_code == 200
    for planned in claims_of(carla, debit_id=a["id"]):
        complete_and_earn(carla, planned["id"], "2026-06-14")
    for person, item in ((pat, "big"), (ray, "python")):
        made = claim(carla, person, catalog[item]["id"], "2026-06-10")
        assert carla.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 200
    api.set_clock("2026-10-01T19:00:00+00:00")
    assert api.admin.post("/api/v1/jobs/lapse-planned-claims/run").status_code == 200
    return {**roster, "ray": ray}


def test_spend_and_yield_equal_the_hand_computation(api, seeded):
    """R-TEAM-1: spent 90 + 60 + (30 - 30) = 150.00; earned 40 + 40 + 64 + 15 = 159, of which 80
    from CLC-funded training; 150.00 / 80 = 1.875 -> 1.87 a credit; one lapsed seat of
    60.00 / 3 = 20.00; Ray's 15 credits expired unused on 2026-07-01."""
    response = seeded["carla"].get(f"/api/v1/companies/{seeded['company']['id']}/learning/spend",
                                   query_string={"from": "2026-06-01", "to": "2026-12-31"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "from": "2026-06-01", "to": "2026-12-31", "clc_spent": "150.00", "credits_earned": 159,
        "credits_earned_from_clc": 80, "clc_per_credit": "1.87", "clc_on_lapsed_seats": "20.00",
        "credits_expired_unused": 15}
    before = seeded["obi"].get(f"/api/v1/companies/{seeded['company']['id']}/learning/spend",
                               query_string={"from": "2026-01-01", "to": "2026-05-31"}).get_json()
    assert (before["clc_spent"], before["credits_earned"], before["clc_per_credit"]) == ("0.00", 0, None)


def test_spend_is_for_captains_and_observers_of_the_company(api, seeded):
    company = seeded["company"]["id"]
    assert seeded["mo"].get(f"/api/v1/companies/{company}/learning/spend").status_code == 403
    other = api.company("Globex Corp")
    gina = api.person("gina", "captain", other["id"])
    assert gina.get(f"/api/v1/companies/{company}/learning/spend").status_code == 404
    bad = seeded["carla"].get(f"/api/v1/companies/{company}/learning/spend?from=2026-07-01&to=2026-06-01")
    assert bad.status_code == 422


def test_the_forecast_names_the_reasons_and_counts_by_month(api, roster, catalog):
    """R-TEAM-1: gap, only pending, planned after expiry, voucher unused, no plan."""
    carla, pat, quinn = roster["carla"], roster["pat"]["id"], roster["quinn"]["id"]
    sam, una = roster["person"]("Sam")["id"], roster["person"]("Una")["id"]
    api.sales_order("SO-1", roster["company"]["id"], "500.00")
    for person in (pat, quinn, sam):
        certify(carla, person, name="CCNP Enterprise", level="professional", earned_on="2023-08-01")  # 2026-08-01
    certify(carla, una, name="CCNA", level="associate", earned_on="2023-09-15")  # 2026-09-15
    claim(carla, pat, catalog["big"]["id"], "2026-06-01")  # 64 pending
    claim(carla, pat, catalog["python"]["id"], "2026-06-02")  # 15 pending: 79, one short
    buy(carla, catalog, [quinn], event_date="2026-09-01")  # ENCOR planned after Quinn's expiry
    buy(carla, catalog, [sam], item=None, category="exam_voucher", amount="3.00")
    made = claim(carla, una, catalog["auto"]["id"], "2026-06-03")  # 30 pending: only pending
    response = carla.get(f"/api/v1/companies/{roster['company']['id']}/learning/forecast?within_days=120")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    reasons = {row["person_name"]: row["reasons"] for row in body["rows"]}
    assert reasons == {"Pat": ["gap"], "Quinn": ["planned_after_expiry", "gap"],
                       "Sam": ["voucher_unused", "no_plan", "gap"], "Una": ["only_pending"]}
    assert body["by_month"] == [{"month": "2026-08", "certifications": 3, "credits_expiring": 0},
                                {"month": "2026-09", "certifications": 1, "credits_expiring": 0}]
    assert carla.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 200  # Una recertifies
    body = carla.get(f"/api/v1/companies/{roster['company']['id']}/learning/forecast?within_days=120").get_json()
    assert sorted(row["person_name"] for row in body["rows"]) == ["Pat", "Quinn", "Sam"]
    mine = roster["mo"].get(f"/api/v1/companies/{roster['company']['id']}/learning/forecast").get_json()
    assert [row["person_name"] for row in mine["rows"]] == ["Pat"]  # a member: only their own rows
    other = api.company("Globex Corp")
    gina = api.person("gina", "captain", other["id"])
    assert gina.get(f"/api/v1/companies/{roster['company']['id']}/learning/forecast").status_code == 404
