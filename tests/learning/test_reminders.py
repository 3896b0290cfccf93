"""R-CRN-1: certification reminders 180/90/60/30/7 days before expiry, once each per cycle, to
the person and the captains, in the company's language; `at_risk` in the company overview."""
from datetime import date, timedelta

from .conftest import certify, claim

EXPIRES_ON = date(2027, 3, 1)  # CCNP earned 2024-03-01


def at(days_before):
    return f"{EXPIRES_ON - timedelta(days=days_before)}T20:00:00+00:00"


def run(api, when):
    api.set_clock(when)
    results = []
    for _ in range(2):  # a second run adds nothing
        response = api.admin.post("/api/v1/jobs/learning-reminders/run")
        assert response.status_code == 200, response.get_json()
        results.append(response.get_json()["result"])
    assert results[1]["certification_reminders"] == 0
    assert api.admin.post("/api/v1/jobs/deliver-outbox/run").status_code == 200
    return results[0]


def test_each_threshold_once_per_cycle_to_the_person_and_the_captains(api, roster, catalog, smtp):
    carla = roster["carla"]
    certify(carla, roster["pat"]["id"], earned_on="2024-03-01")
    api.sales_order("SO-9", roster["company"]["id"], "250.00", invoice_date="2026-01-10")
    for days in (181, 180, 179, 90, 60, 30, 8, 7, 1, 0, -1):
        run(api, at(days))
    subjects = [m["Subject"] for m in smtp.messages if "expires in" in m["Subject"]]
    assert subjects == [f"Pat: CCNP Enterprise expires in {days} days" for days in (180, 90, 60, 30, 7)]
    message = next(m for m in smtp.messages if m["Subject"].endswith("7 days"))
    assert sorted(message["To"].split(", ")) == ["carla@example.com", "dana@example.com", "pat@acme.example"]
    text = message.get_body(("plain",)).get_content()
    assert "Required: 80 CE credits (80 CE)" in text and "Still missing: 80" in text
    assert "no Cisco Learning Credits available" in text  # SO-9 expired on 10 January
    first = smtp.messages[0].get_body(("plain",)).get_content()
    assert "250.00 CLC" in first and "January 10, 2027" in first  # the company's CLCs and their soonest expiry


def test_a_late_run_sends_the_latest_threshold_only_and_cost_follows_what_is_due(api, roster, smtp):
    carla = roster["carla"]
    certify(carla, roster["pat"]["id"], earned_on="2024-03-01")
    certify(carla, roster["quinn"]["id"], earned_on="2025-03-01")  # far from any threshold
    result = run(api, at(85))
    assert result["certifications_due"] == 1 and result["certification_reminders"] == 1
    assert run(api, at(84))["certifications_due"] == 0  # nothing due: nothing read
    assert [m["Subject"] for m in smtp.messages] == ["Pat: CCNP Enterprise expires in 85 days"]


def test_a_met_requirement_is_not_reminded_and_a_new_cycle_reminds_again(api, roster, catalog, smtp):
    carla, dana, pat = roster["carla"], roster["dana"], roster["pat"]["id"]
    certify(carla, pat, earned_on="2024-03-01")
    run(api, at(30))
    api.set_clock(at(20))
    made = claim(carla, pat, catalog["big"]["id"], str(EXPIRES_ON - timedelta(days=20)))
    done = claim(carla, pat, catalog["encor"]["id"], str(EXPIRES_ON - timedelta(days=21)))
    for row in (made, done):
        assert dana.post(f"/api/v1/ce-claims/{row['id']}/earn").status_code == 200
    run(api, at(7))  # recertified: the old cycle's 7-day reminder is not sent
    assert [m["Subject"] for m in smtp.messages] == ["Pat: CCNP Enterprise expires in 30 days"]


def test_a_german_company_is_reminded_in_german(api, catalog, smtp):
    api.set_clock("2026-06-15T19:00:00+00:00")
    company = api.company("Beispiel GmbH", country="DE", locale="de_DE")
    kapitaen = api.person("kai", "captain", company["id"])
    person = kapitaen.post("/api/v1/people", json={"name": "Jana", "email": "jana@beispiel.example"}).get_json()
    certify(kapitaen, person["id"], earned_on="2024-03-01")
    run(api, at(30))
    [message] = smtp.messages
    assert "läuft in 30 Tagen ab" in message["Subject"]
    assert "1. März 2027" in message.get_body(("plain",)).get_content()


def test_at_risk_counts_pending_and_projected_and_the_overview_filters_by_it(api, roster, catalog):
    carla, pat, quinn = roster["carla"], roster["pat"]["id"], roster["quinn"]["id"]
    certify(carla, pat, earned_on="2024-03-01")
    certify(carla, quinn, earned_on="2024-03-01")
    certify(carla, quinn, "CCNA", "associate", earned_on="2025-01-01")
    api.set_clock(at(100))
    today = EXPIRES_ON - timedelta(days=100)
    for item in ("big", "encor"):  # 104 credits pending for Quinn
        claim(carla, quinn, catalog[item]["id"], str(today - timedelta(days=5)))
    company_id = roster["company"]["id"]
    rows = carla.get(f"/api/v1/companies/{company_id}/learning").get_json()["rows"]
    assert [(r["person_name"], r["name"], r["days_left"]) for r in rows][:2] == [
        ("Pat", "CCNP Enterprise", 100), ("Quinn", "CCNP Enterprise", 100)]
    risky = carla.get(f"/api/v1/companies/{company_id}/learning?status=at_risk&within_days=180").get_json()["rows"]
    assert [(r["person_name"], r["name"]) for r in risky] == [("Pat", "CCNP Enterprise")]
    assert [r["person_name"] for r in roster["mo"].get(f"/api/v1/companies/{company_id}/learning").get_json()["rows"]] == ["Pat"]
    other = api.company("Globex")
    assert api.person("gina", "captain", other["id"]).get(f"/api/v1/companies/{company_id}/learning").status_code == 404
