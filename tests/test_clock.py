"""The one clock and the test clock endpoint (API.md "Time, for tests and demos")."""
from datetime import UTC, date, datetime

from clc_ledger import clock, create_app


def test_test_clock_freezes_now_for_every_reader_and_delete_returns_to_real_time(api):
    assert api.admin.put("/api/v1/testing/clock", json={"now": "2027-03-01T08:00:00+00:00"}).status_code == 200
    assert clock.now() == datetime(2027, 3, 1, 8, tzinfo=UTC)
    assert clock.today() == date(2027, 3, 1)  # 00:00 in Los Angeles
    assert api.admin.get("/api/v1/testing/clock").get_json()["frozen"] is True
    assert api.admin.delete("/api/v1/testing/clock").status_code == 200
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 60


def test_only_admins_set_the_test_clock(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    assert carla.put("/api/v1/testing/clock", json={"now": "2027-03-01T08:00:00+00:00"}).status_code == 403
    assert api.admin.put("/api/v1/testing/clock", json={"now": "2027-03-01T08:00:00"}).status_code == 422


def test_the_test_clock_is_404_unless_testing(app_config):
    app = create_app({**app_config, "TESTING": False, "CLC_TESTING": False})
    client = app.test_client()
    assert client.put("/api/v1/testing/clock", json={"now": "2027-03-01T08:00:00+00:00"}).status_code == 404
    assert client.delete("/api/v1/testing/clock").status_code == 404


def test_R_EXP_1_expiry_is_12_01_am_local_time_on_the_expiry_date(app):
    assert clock.expiry_instant(date(2027, 1, 15)) == datetime(2027, 1, 15, 8, 1, tzinfo=UTC)  # PST
    assert clock.expiry_instant(date(2027, 7, 15)) == datetime(2027, 7, 15, 7, 1, tzinfo=UTC)  # PDT


def test_business_days_skip_weekends():
    assert clock.add_business_days(date(2026, 11, 20), 7) == date(2026, 12, 1)  # Fri + 7 business days
