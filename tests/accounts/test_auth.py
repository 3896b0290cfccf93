"""Tokens, who-am-I and the Terms and Conditions gate (R-ACC-3)."""
from datetime import UTC, datetime, timedelta

from clc_ledger.accounts.models import ApiToken
from clc_ledger.extensions import db

from ..helpers import PASSWORD


def test_a_token_is_issued_for_good_credentials_and_stored_only_as_a_hash(api):
    company = api.company()
    api.person("carla", "captain", company["id"])
    response = api.client.post("/api/v1/auth/tokens", json={"username": "carla", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert datetime.fromisoformat(body["expires_at"]) > datetime.now(UTC) + timedelta(hours=11)
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert body["token"] not in stored and all(len(digest) == 64 for digest in stored)


def test_bad_credentials_are_401_and_do_not_say_which_part_was_wrong(api):
    company = api.company()
    api.person("carla", "captain", company["id"])
    wrong_password = api.client.post("/api/v1/auth/tokens", json={"username": "carla", "password": "nope-nope-nope"})
    unknown_user = api.client.post("/api/v1/auth/tokens", json={"username": "nobody", "password": PASSWORD})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json()["message"] == unknown_user.get_json()["message"]


def test_missing_garbage_and_revoked_tokens_are_401(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    assert api.client.get("/api/v1/me").status_code == 401
    assert api.client.get("/api/v1/me", headers={"Authorization": "Bearer garbage"}).status_code == 401
    assert carla.get("/api/v1/me").status_code == 200
    assert carla.delete("/api/v1/auth/tokens").status_code == 204
    revoked = carla.get("/api/v1/me")
    assert revoked.status_code == 401
    assert revoked.get_json() == {"code": 401, "status": "Unauthorized", "message": "A valid bearer token is required.",
                                   "error": "unauthorized"}


def test_an_expired_token_is_401(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    record = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == carla.user.id)).one()
    db.session.execute(db.update(ApiToken).where(ApiToken.id == record.id)
                       .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()
    assert carla.get("/api/v1/me").status_code == 401


def test_a_deactivated_persons_tokens_stop_working(api):
    company = api.company()
    api.person("carla", "captain", company["id"])
    bob = api.person("bob", "member", company["id"])
    assert api.admin.patch(f"/api/v1/users/{bob.user.id}", json={"active": False}).status_code == 200
    assert bob.get("/api/v1/me").status_code == 401


def test_me_says_who_i_am(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"], accept_terms=False)
    body = carla.get("/api/v1/me").get_json()
    assert {k: body[k] for k in ("username", "email", "role", "company_id", "terms_accepted_at")} == {
        "username": "carla", "email": "carla@example.com", "role": "captain", "company_id": company["id"],
        "terms_accepted_at": None}


def test_R_ACC_3_everything_but_me_and_acceptance_is_403_until_terms_are_accepted(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"], accept_terms=False)
    refused = carla.get(f"/api/v1/companies/{company['id']}/balance")
    assert refused.status_code == 403
    assert "Terms and Conditions" in refused.get_json()["message"]
    assert carla.get("/api/v1/me").status_code == 200
    accepted = carla.post("/api/v1/me/terms-acceptance")
    assert accepted.status_code == 200
    assert accepted.get_json()["terms_accepted_at"] is not None
    assert carla.get(f"/api/v1/companies/{company['id']}/balance").status_code == 200


def test_R_ACC_3_terms_are_accepted_once_and_the_first_date_is_kept(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"], accept_terms=False)
    first = carla.post("/api/v1/me/terms-acceptance").get_json()["terms_accepted_at"]
    api.set_clock("2030-01-01T00:00:00+00:00")
    again = carla.post("/api/v1/me/terms-acceptance").get_json()["terms_accepted_at"]
    assert again == first
