"""R-CRN-2: calendar feeds per person and per company at secret, revocable URLs, parsed back
with the icalendar library: one all-day event per deadline, stable UIDs, alarms."""
from datetime import date, timedelta

from icalendar import Calendar

from .conftest import certify



def events(client, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_person_and_company_feeds_with_stable_uids_and_alarms(api, client, roster, catalog):
    carla, pat = roster["carla"], roster["pat"]["id"]
    certify(carla, pat, "CCNP Enterprise", "professional", "2024-03-01")
    certify(carla, roster["quinn"]["id"], "CCNA", "associate", "2024-02-29")
    api.sales_order("SO-7", roster["company"]["id"], "100.00", invoice_date="2026-01-10")
    mine = roster["mo"].post(f"/api/v1/people/{pat}/calendar-token")
    assert mine.status_code == 201 and mine.get_json()["url"].endswith(f"/calendar/{mine.get_json()['token']}.ics")
    personal = events(client, mine.get_json()["token"])
    assert list(personal) == ["CCNP Enterprise expires (Pat)"]
    event = personal["CCNP Enterprise expires (Pat)"]
    assert event.decoded("dtstart") == date(2027, 3, 1) and event.decoded("dtend") == date(2027, 3, 2)
    triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(days=-90), timedelta(days=-60), timedelta(days=-30), timedelta(days=-7)]
    company = carla.post(f"/api/v1/companies/{roster['company']['id']}/calendar-token").get_json()
    everything = events(client, company["token"])
    assert set(everything) == {"CCNP Enterprise expires (Pat)", "CCNA expires (Quinn)",
                               "Learning Credits on SO-7 expire"}
    assert everything["CCNA expires (Quinn)"].decoded("dtstart") == date(2027, 2, 28)
    assert everything["CCNP Enterprise expires (Pat)"]["uid"] == event["uid"]  # stable across feeds and fetches
    assert events(client, company["token"])["CCNA expires (Quinn)"]["uid"] == everything["CCNA expires (Quinn)"]["uid"]


def test_tokens_are_secret_revocable_and_scoped(api, client, roster):
    carla, pat, quinn = roster["carla"], roster["pat"]["id"], roster["quinn"]["id"]
    assert roster["mo"].post(f"/api/v1/people/{quinn}/calendar-token").status_code == 404  # not their person
    assert roster["mo"].post(f"/api/v1/companies/{roster['company']['id']}/calendar-token").status_code == 404
    token = carla.post(f"/api/v1/people/{pat}/calendar-token").get_json()["token"]
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert client.get(f"/calendar/{token[:-1]}x.ics").status_code == 404
    assert carla.delete(f"/api/v1/people/{pat}/calendar-token").status_code == 204
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    from clc_ledger.extensions import db
    from clc_ledger.learning.models import CalendarToken

    assert token not in {row.token_hash for row in db.session.scalars(db.select(CalendarToken))}
