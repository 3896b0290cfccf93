"""The roster and certifications through the API (R-PPL-1, R-PPL-2, R-CRT-1..3, R-ACC-4)."""
from .conftest import certifications, certify


def test_captains_keep_a_roster_with_unique_emails_and_deactivating_keeps_history(api, roster):  # R-PPL-1
    carla = roster["carla"]
    again = carla.post("/api/v1/people", json={"name": "Pat 2", "email": "PAT@acme.example"})
    assert again.status_code == 409
    assert roster["mo"].post("/api/v1/people", json={"name": "X", "email": "x@acme.example"}).status_code == 403
    certify(carla, roster["quinn"]["id"])
    off = carla.patch(f"/api/v1/people/{roster['quinn']['id']}", json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert len(certifications(carla, roster["quinn"]["id"])) == 1
    admin = api.admin.post("/api/v1/people", json={"name": "No company", "email": "n@x.example"})
    assert admin.status_code == 422


def test_members_see_only_their_own_person_and_other_companies_see_nothing(api, roster):  # R-PPL-2, R-ACC-4
    pat, quinn = roster["pat"]["id"], roster["quinn"]["id"]
    assert roster["mo"].get(f"/api/v1/people/{pat}").status_code == 200
    assert roster["mo"].get(f"/api/v1/people/{quinn}").status_code == 404
    assert [p["id"] for p in roster["mo"].get("/api/v1/people").get_json()["people"]] == [pat]
    assert {p["id"] for p in roster["obi"].get("/api/v1/people").get_json()["people"]} == {pat, quinn}
    other = api.company("Globex")
    outsider = api.person("gina", "captain", other["id"])
    assert outsider.get(f"/api/v1/people/{pat}").status_code == 404
    assert outsider.get(f"/api/v1/people/{pat}/certifications").status_code == 404
    assert outsider.post(f"/api/v1/people/{pat}/certifications", json={
        "name": "CCNA", "level": "associate", "earned_on": "2025-01-01"}).status_code == 404


def test_a_certification_cycle_ends_three_calendar_years_later(roster):  # R-CRT-1
    carla = roster["carla"]
    leap = certify(carla, roster["pat"]["id"], "CCNA", "associate", "2024-02-29")
    assert (leap["cycle_started_on"], leap["expires_on"], leap["status"]) == ("2024-02-29", "2027-02-28", "active")
    assert leap["required"] == 30 and leap["gap"] == 30 and leap["best_pathway"]["name"] == "30 CE"
    entry = certify(carla, roster["pat"]["id"], "CCT", "entry", "2010-01-01")
    assert entry["expires_on"] is None and entry["status"] == "active" and entry["required"] == 0
    future = carla.post(f"/api/v1/people/{roster['pat']['id']}/certifications",
                        json={"name": "CCIE", "level": "expert", "earned_on": "2026-06-16"})
    assert future.status_code == 422
    assert carla.post(f"/api/v1/people/{roster['pat']['id']}/certifications",
                      json={"name": "X", "level": "master", "earned_on": "2026-01-01"}).status_code == 422


def test_status_is_active_through_the_expiry_day_and_expired_the_day_after(api, roster):  # R-CRT-2
    carla = roster["carla"]
    certify(carla, roster["pat"]["id"], "CCNA", "associate", "2023-06-15")
    api.set_clock("2026-06-16T06:59:00+00:00")  # 23:59 on 15 June in Los Angeles
    assert certifications(carla, roster["pat"]["id"])["CCNA"]["status"] == "active"
    api.set_clock("2026-06-16T07:00:00+00:00")  # midnight: 16 June
    row = certifications(carla, roster["pat"]["id"])["CCNA"]
    assert row["status"] == "expired" and row["days_left"] == -1
    again = certify(carla, roster["pat"]["id"], "CCNA", "associate", "2026-06-16")
    names = [(c["name"], c["status"]) for c in carla.get(
        f"/api/v1/people/{roster['pat']['id']}/certifications").get_json()["certifications"]]
    assert names == [("CCNA", "expired"), ("CCNA", "active")] and again["expires_on"] == "2029-06-16"


def test_a_captain_may_record_the_date_cisco_shows_and_the_history_keeps_it(roster):  # R-CRT-3
    from clc_ledger.learning.people import history_of

    carla = roster["carla"]
    cert = certify(carla, roster["pat"]["id"], "CCNP Enterprise", "professional", "2024-03-01")
    moved = carla.post(f"/api/v1/certifications/{cert['id']}/cycle", json={"cycle_started_on": "2024-04-02"})
    assert moved.status_code == 200 and moved.get_json()["expires_on"] == "2027-04-02"
    [record] = history_of(cert["id"])
    assert (str(record.previous_started_on), record.reason) == ("2024-03-01", "cisco_date")
    assert roster["mo"].post(f"/api/v1/certifications/{cert['id']}/cycle",
                             json={"cycle_started_on": "2024-04-02"}).status_code == 403


def test_R_TXT_2_learning_text_is_refused_with_control_characters_and_over_its_maximum(roster, catalog):
    carla = roster["carla"]
    for body in ({"name": "Nul\u0000Name", "email": "nul@acme.example"},
                 {"name": "x" * 201, "email": "long@acme.example"},
                 {"name": "Lone \ud800", "email": "lone@acme.example"}):
        response = carla.post("/api/v1/people", json=body)
        assert response.status_code == 422 and "name" in response.get_json()["errors"]["json"], body
    assert [p["name"] for p in carla.get("/api/v1/people").get_json()["people"]] == ["Pat", "Quinn"]
