"""Each earned claim exports as an Open Badges 3.0 credential (R-TEAM-1), valid against
1EdTech's JSON Schema (vendored in tests/learning/schemas/ with its licence); unsigned JSON
by default, a VC-JWT when an issuer key is configured."""
import json
from pathlib import Path

import jsonschema
import jwt
import pytest
from jwt.algorithms import ECAlgorithm

from .conftest import certify, claim

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential.json").read_text())


def validate(document):
    jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


@pytest.fixture
def earned(api, roster, catalog):
    carla, pat = roster["carla"], roster["pat"]["id"]
    certify(carla, pat)
    made = claim(carla, pat, catalog["encor"]["id"], "2026-06-01")
    pending = claim(carla, pat, catalog["python"]["id"], "2026-06-02")
    assert carla.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 200
    return {**roster, "claim": made, "pending": pending}


def test_an_earned_claim_is_a_valid_open_badges_3_credential(api, earned):
    response = earned["carla"].get(f"/api/v1/ce-claims/{earned['claim']['id']}/badge")
    assert response.status_code == 200 and response.mimetype == "application/json"
    badge = response.get_json()
    validate(badge)
    assert "OpenBadgeCredential" in badge["type"] and "proof" not in badge
    subject = badge["credentialSubject"]
    assert subject["id"] == "mailto:pat@acme.example" and subject["creditsEarned"] == 40
    assert subject["achievement"]["name"] == "Course ENCOR" and subject["achievement"]["creditsAvailable"] == 40
    broken = {**badge, "credentialSubject": {**subject, "creditsEarned": "forty"}}
    with pytest.raises(jsonschema.ValidationError):  # the schema check can fail
        validate(broken)


def test_only_earned_claims_are_badges_and_only_for_those_who_see_them(api, earned):
    assert earned["carla"].get(f"/api/v1/ce-claims/{earned['pending']['id']}/badge").status_code == 409
    assert earned["mo"].get(f"/api/v1/ce-claims/{earned['claim']['id']}/badge").status_code == 200  # Pat is mo
    other = api.company("Globex Corp")
    gina = api.person("gina", "captain", other["id"])
    assert gina.get(f"/api/v1/ce-claims/{earned['claim']['id']}/badge").status_code == 404


def test_with_an_issuer_key_the_credential_is_signed(api, app, earned):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    app.config["CLC_BADGE_ISSUER_KEY"] = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    try:
        response = earned["carla"].get(f"/api/v1/ce-claims/{earned['claim']['id']}/badge")
    finally:
        app.config.pop("CLC_BADGE_ISSUER_KEY")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    token = response.get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "ES256"
    public = ECAlgorithm.from_jwk(json.dumps(header["jwk"]))
    assert public.public_numbers() == key.public_key().public_numbers()
    payload = jwt.decode(token, key.public_key(), algorithms=["ES256"], options={"verify_nbf": False})
    validate({name: value for name, value in payload.items() if name not in ("iss", "sub", "jti", "nbf", "exp")})
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, ec.generate_private_key(ec.SECP256R1()).public_key(), algorithms=["ES256"],
                   options={"verify_nbf": False})
