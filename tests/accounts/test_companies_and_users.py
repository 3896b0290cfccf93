"""Companies, people, roles, the last captain and countries of operation."""
from clc_ledger.extensions import db

from ..helpers import row_counts


def test_an_admin_creates_a_company_and_members_see_it(api):
    company = api.company("Acme Networks", approval=True, statement_recipients=["fin@acme.example"])
    assert company["id"] > 0 and company["country"] == "US" and company["captain_approval_required"] is True
    assert company["statement_recipients"] == ["fin@acme.example"]
    carla = api.person("carla", "captain", company["id"])
    assert carla.get(f"/api/v1/companies/{company['id']}").get_json()["name"] == "Acme Networks"


def test_R_CTY_1_a_company_in_a_country_not_cleared_cannot_be_created(api):
    admin = api.admin
    before = row_counts()
    response = admin.post("/api/v1/companies", json={"name": "Ivan Co", "country": "RU", "locale": "ru_RU"})
    assert response.status_code == 422
    assert "Russia" in response.get_json()["message"] and "RU" in response.get_json()["message"]
    assert row_counts() == before


def test_R_CTY_1_countries_of_operation_are_configuration(app_config):
    from clc_ledger import create_app
    from clc_ledger.accounts import services
    from clc_ledger.errors import RuleViolation

    app = create_app({**app_config, "CLC_COUNTRIES": ["US"]})
    with app.app_context():
        services.create_company(name="Ok", country="US")
        try:
            services.create_company(name="Nope", country="DE")
        except RuleViolation as error:
            assert "Germany" in error.message
        else:
            raise AssertionError("DE should not be cleared")
        db.session.remove()


def test_R_CTY_1_a_company_whose_country_is_no_longer_cleared_gets_no_sales_orders(api, app):
    company = api.company("Acme", country="DE", locale="de_DE")
    app.config["CLC_COUNTRIES"] = [c for c in app.config["CLC_COUNTRIES"] if c != "DE"]
    response = api.admin.post("/api/v1/sales-orders", json={
        "so_number": "SO-1", "company_id": company["id"], "credits": "10", "booked_on": "2026-01-01"})
    assert response.status_code == 422 and "Germany" in response.get_json()["message"]


def test_usernames_are_unique_regardless_of_case(api):
    company = api.company()
    api.person("carla", "captain", company["id"])
    response = api.admin.post("/api/v1/users", json={
        "username": "Carla", "email": "c2@example.com", "password": "long-enough-1", "role": "member",
        "company_id": company["id"]})
    assert response.status_code == 409


def test_captains_list_their_own_company_and_admins_any(api):
    acme = api.company("Acme")
    globex = api.company("Globex")
    carla = api.person("carla", "captain", acme["id"])
    api.person("gus", "captain", globex["id"])
    mine = carla.get("/api/v1/users").get_json()["users"]
    assert [u["username"] for u in mine] == ["carla"]
    everyone = api.admin.get(f"/api/v1/users?company_id={globex['id']}").get_json()["users"]
    assert [u["username"] for u in everyone] == ["gus"]


def test_R_ACC_6_the_last_active_captain_cannot_be_demoted_or_deactivated(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    path = f"/api/v1/users/{carla.user.id}"
    assert api.admin.patch(path, json={"role": "member"}).status_code == 409
    assert api.admin.patch(path, json={"active": False}).status_code == 409
    dana = api.person("dana", "captain", company["id"])
    assert api.admin.patch(path, json={"role": "member"}).status_code == 200
    assert api.admin.patch(f"/api/v1/users/{dana.user.id}", json={"active": False}).status_code == 409
    assert api.admin.patch(f"/api/v1/users/{dana.user.id}", json={"email": "d@example.com"}).status_code == 200


def test_an_inactive_captain_does_not_count_as_the_companys_captain(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    dana = api.person("dana", "captain", company["id"])
    assert api.admin.patch(f"/api/v1/users/{dana.user.id}", json={"active": False}).status_code == 200
    assert api.admin.patch(f"/api/v1/users/{carla.user.id}", json={"role": "observer"}).status_code == 409
