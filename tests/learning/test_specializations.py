"""Partner specializations and Continuous Learning points (R-PTS-1, R-PTS-2, R-PTS-3).
The clock stands at 2026-06-15 (Los Angeles)."""
import pytest

from .conftest import certify, claim


@pytest.fixture
def sessions(api):
    def session(code, points, names=("Security",), credits=1, **extra):
        response = api.admin.post("/api/v1/ce-items", json={
            "code": code, "title": f"Knowledge session {code}", "credits": credits,
            "delivery": "knowledge_session", "points": points, "specializations": list(names), **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return {"ngfw": session("KS-NGFW", 20), "ise": session("KS-ISE", 10, ("Security", "Enterprise Networks")),
            "dc": session("KS-DC", 5, ("Data Center",)), "session": session}


def specialize(actor, company_id, name="Security", type="architecture", approved_on="2025-09-01", expect=201):
    response = actor.post(f"/api/v1/companies/{company_id}/specializations",
                          json={"name": name, "type": type, "approved_on": approved_on})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def points(actor, specialization_id, person_id, item_id, on, how="started", expect=201):
    response = actor.post(f"/api/v1/specializations/{specialization_id}/points",
                          json={"person_id": person_id, "ce_item_id": item_id, "on": on, "how": how})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def listed(actor, company_id):
    response = actor.get(f"/api/v1/companies/{company_id}/specializations")
    assert response.status_code == 200, response.get_json()
    return {row["name"]: row for row in response.get_json()["specializations"]}


def test_renewal_is_due_12_months_after_approval_with_the_points_its_type_requires(api, roster):
    """R-PTS-1: architecture 100, technology 80, express 40; renewal due 12 months later."""
    carla, company = roster["carla"], roster["company"]["id"]
    for name, kind, approved in (("Security", "architecture", "2025-09-01"), ("SD-WAN", "technology", "2024-02-29"),
                                 ("Select", "express", "2026-06-15")):
        specialize(carla, company, name, kind, approved)
    shown = listed(carla, company)
    assert {name: (row["required"], row["renewal_due_on"]) for name, row in shown.items()} == {
        "Security": (100, "2026-09-01"), "SD-WAN": (80, "2025-02-28"), "Select": (40, "2027-06-15")}
    assert shown["Security"]["points"] == 0 and shown["Security"]["days_to_renewal"] == 78
    specialize(carla, company, "security", expect=409)  # a company holds a specialization once
    specialize(carla, company, "Wireless", "gold", expect=422)
    specialize(roster["mo"], company, "Wireless", expect=403)


def test_required_points_come_from_configuration(api, app, roster):
    app.config["CLC_SPECIALIZATION_POINTS"] = {"express": 20}
    try:
        row = specialize(roster["carla"], roster["company"]["id"], "Select", "express")
    finally:
        app.config.pop("CLC_SPECIALIZATION_POINTS")
    assert row["required"] == 20


def test_knowledge_sessions_carry_1_5_10_or_20_points(api, sessions):
    """R-PTS-2: other values are refused with 422 and nothing is added."""
    for bad in (0, 2, 15, 100, -5):
        response = api.admin.post("/api/v1/ce-items", json={"code": f"KS-{bad}", "title": "t", "credits": 1,
                                                            "delivery": "knowledge_session", "points": bad})
        assert response.status_code == 422, bad
        assert "points" in response.get_json()["errors"]
    items = {row["code"]: row for row in api.admin.get("/api/v1/ce-items?q=KS-").get_json()["ce_items"]}
    assert sorted(items) == ["KS-DC", "KS-ISE", "KS-NGFW"]
    assert items["KS-ISE"]["specializations"] == ["Enterprise Networks", "Security"] and items["KS-ISE"]["points"] == 10


def test_points_count_once_per_person_and_session_in_the_window(api, roster, sessions):
    """R-PTS-2: started online or assessment passed earns; a download earns nothing; the same
    session earns a person its points once per window (409); points count for each linked
    specialization the company holds."""
    carla, company, pat, quinn = roster["carla"], roster["company"]["id"], roster["pat"]["id"], roster["quinn"]["id"]
    security = specialize(carla, company, "Security")
    networks = specialize(carla, company, "Enterprise Networks", "technology", "2026-01-10")
    points(carla, security["id"], pat, sessions["ngfw"]["id"], "2026-05-02")
    points(carla, security["id"], pat, sessions["ngfw"]["id"], "2026-06-01", "assessment_passed", expect=409)
    points(carla, security["id"], quinn, sessions["ngfw"]["id"], "2026-06-01", "assessment_passed")
    refused = points(carla, security["id"], pat, sessions["ise"]["id"], "2026-06-01", "download", expect=422)
    assert "download alone earns nothing" in refused["message"]
    points(carla, networks["id"], pat, sessions["ise"]["id"], "2026-06-01")
    points(carla, security["id"], pat, sessions["ise"]["id"], "2026-06-02", expect=409)  # same entry, both windows
    points(carla, security["id"], pat, sessions["dc"]["id"], "2026-06-01", expect=422)  # not linked to Security
    points(carla, security["id"], pat, sessions["ngfw"]["id"], "2026-06-16", expect=422)  # tomorrow
    points(roster["mo"], security["id"], pat, sessions["dc"]["id"], "2026-06-01", expect=403)
    shown = listed(carla, company)
    assert shown["Security"]["points"] == 50 and shown["Enterprise Networks"]["points"] == 10
    assert shown["Security"]["top_contributors"] == [{"name": "Pat", "points": 30}, {"name": "Quinn", "points": 20}]
    seen_by_member = listed(roster["mo"], company)["Security"]
    assert seen_by_member["points"] == 50 and seen_by_member["top_contributors"] == []  # not who earned them


def test_the_window_is_the_12_months_before_renewal_and_its_edges(api, roster, sessions):
    """R-PTS-3: points count from approval to the day before renewal is due."""
    carla, company, pat = roster["carla"], roster["company"]["id"], roster["pat"]["id"]
    security = specialize(carla, company, "Security", approved_on="2025-09-01")
    assert (security["window_from"], security["window_to"]) == ("2025-09-01", "2026-08-31")
    points(carla, security["id"], pat, sessions["ngfw"]["id"], "2025-08-31", expect=422)  # the day before
    points(carla, security["id"], pat, sessions["ngfw"]["id"], "2025-09-01")  # the first day counts
    overdue = specialize(carla, company, "Select", "express", approved_on="2025-06-01")  # due 2026-06-01
    item = sessions["session"]("KS-SEL", 5, ("Select",))
    points(carla, overdue["id"], pat, item["id"], "2026-06-01", expect=422)  # the renewal day: past the window
    points(carla, overdue["id"], pat, item["id"], "2026-05-31")  # the last day counts
    assert listed(carla, company)["Select"]["points"] == 5


def test_renewal_short_of_points_is_refused_unless_overridden_and_points_reset(api, roster, sessions):
    """R-PTS-3: a renewal short of points is 422 and changes nothing; an override reason
    renews and is kept in the history; points start again from zero after renewal, and the
    session may earn again in the new window."""
    carla, company, pat = roster["carla"], roster["company"]["id"], roster["pat"]["id"]
    select = specialize(carla, company, "Select", "express", approved_on="2025-07-01")
    for code, on in (("KS-A", "2025-07-01"), ("KS-B", "2026-06-10")):
        item = sessions["session"](code, 20, ("Select",))
        points(carla, select["id"], pat, item["id"], on)
        last = item
    full = carla.post(f"/api/v1/specializations/{select['id']}/renewals", json={"renewed_on": "2026-06-14"})
    assert full.status_code == 201  # 40 of 40: renewed without a reason
    renewed = full.get_json()
    assert (renewed["points"], renewed["required"], renewed["next_due_on"]) == (40, 40, "2027-06-14")
    assert renewed["override_reason"] is None
    after = listed(carla, company)["Select"]
    assert after["points"] == 0 and after["window_from"] == "2026-06-15" and after["renewal_due_on"] == "2027-06-14"
    points(carla, select["id"], pat, last["id"], "2026-06-15")  # earned again in the new window
    short = carla.post(f"/api/v1/specializations/{select['id']}/renewals", json={"renewed_on": "2026-06-15"})
    assert short.status_code == 422 and "20 of the 40 points" in short.get_json()["message"]
    assert listed(carla, company)["Select"]["renewal_due_on"] == "2027-06-14"  # nothing changed
    overridden = carla.post(f"/api/v1/specializations/{select['id']}/renewals",
                            json={"renewed_on": "2026-06-15", "override_reason": "Cisco granted an exception"})
    assert overridden.status_code == 201, overridden.get_json()
    history = carla.get(f"/api/v1/specializations/{select['id']}/renewals").get_json()["renewals"]
    assert [(row["points"], row["override_reason"]) for row in history] == [
        (40, None), (20, "Cisco granted an exception")]


def test_one_item_with_credits_and_points_records_both_when_completed(api, roster, sessions):
    """R-PTS-2 with R-CEC-2: submitting a completed claim for an item that carries CE credits
    and points records the credits' claim and the points, once per window."""
    carla, company, pat = roster["carla"], roster["company"]["id"], roster["pat"]["id"]
    specialize(carla, company, "Security")
    both = sessions["session"]("KS-CE", 10, ("Security",), credits=4)
    certify(carla, pat, earned_on="2024-03-01")
    made = claim(carla, pat, both["id"], "2026-06-01")
    assert made["status"] == "pending" and made["credits"] == 4
    assert listed(carla, company)["Security"]["points"] == 10


def test_other_companies_see_no_specialization(api, roster, sessions):
    carla, company = roster["carla"], roster["company"]["id"]
    security = specialize(carla, company, "Security")
    other = api.company("Globex Corp")
    gina = api.person("gina", "captain", other["id"])
    assert gina.get(f"/api/v1/specializations/{security['id']}").status_code == 404
    assert gina.get(f"/api/v1/companies/{company}/specializations").status_code == 404
    points(gina, security["id"], roster["pat"]["id"], sessions["ngfw"]["id"], "2026-06-01", expect=404)
    assert roster["obi"].get(f"/api/v1/companies/{company}/specializations").status_code == 200


def test_captains_are_reminded_90_60_and_30_days_before_renewal_while_short(api, roster, sessions, smtp):
    """R-PTS-3: once per threshold and renewal date, to the captains, only while points are
    short, in the company's language."""
    from datetime import date, timedelta

    from .test_reminders import run

    carla, company, pat = roster["carla"], roster["company"]["id"], roster["pat"]["id"]
    select = specialize(carla, company, "Select", "express", approved_on="2025-09-01")
    specialize(carla, company, "Security", "architecture", approved_on="2025-12-01")  # due later: not yet
    due = date(2026, 9, 1)

    def at(days):
        return f"{due - timedelta(days=days)}T20:00:00+00:00"

    for days in (91, 90, 89, 60):
        run(api, at(days))
    item = sessions["session"]("KS-SEL", 20, ("Select",))
    points(carla, select["id"], pat, item["id"], "2026-07-01")
    for days in (31, 30, 1, 0):
        run(api, at(days))
    subjects = [m["Subject"] for m in smtp.messages]
    assert subjects == ["Acme Networks: Select is due for renewal in 90 days, 40 points short",
                        "Acme Networks: Select is due for renewal in 60 days, 40 points short",
                        "Acme Networks: Select is due for renewal in 30 days, 20 points short"]
    assert sorted(smtp.messages[0]["To"].split(", ")) == ["carla@example.com", "dana@example.com"]
    text = smtp.messages[2].get_body(("plain",)).get_content()
    assert "Points since September 1, 2025: 20 of 40 required; 20 still missing." in text
    points(carla, select["id"], roster["quinn"]["id"], item["id"], "2026-07-01")  # now 40 of 40
    smtp.messages.clear()
    run(api, at(29))
    assert smtp.messages == []


def test_specialization_reminders_speak_the_company_language(api, smtp):
    from .test_reminders import run

    api.set_clock("2026-06-15T19:00:00+00:00")
    company = api.company("Kabushiki Networks", country="JP", locale="ja_JP")
    kaito = api.person("kaito", "captain", company["id"])
    specialize(kaito, company["id"], "Select", "express", approved_on="2025-09-01")
    run(api, "2026-07-03T20:00:00+00:00")  # 60 days before 2026-09-01
    assert [m["Subject"] for m in smtp.messages] == [
        "Kabushiki Networks: Select の更新まであと 60 日、ポイントが 40 不足しています"]
