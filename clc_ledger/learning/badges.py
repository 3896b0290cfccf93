"""Earned claims as Open Badges 3.0 credentials (R-TEAM-1), built with `openbadgeslib`.

The issuer is this CLC Ledger (CLC_BASE_URL, named by CLC_BADGE_ISSUER_NAME); the subject the
person, by their email address; the achievement the CE catalog item, with its CE credits as
`creditsAvailable`/`creditsEarned`. Unsigned by default (a JSON credential); when
CLC_BADGE_ISSUER_KEY holds a PEM private key (RSA, EC P-256 or Ed25519), the credential is
signed as a VC-JWT (OB 3.0 §8.2), the compact JWS with the public key in its header.
"""
from datetime import datetime, time

from flask import current_app

from .. import clock
from ..errors import Conflict
from .models import Person

ACHIEVEMENT_TYPE = "Course"


def _base():
    return current_app.config.get("CLC_BASE_URL", "").rstrip("/")


def credential(claim):
    """The OpenBadgeCredential of an earned claim (openbadgeslib model); 409 unless earned."""
    from openbadgeslib.ob3.credential import Achievement, Issuer, OpenBadgeCredential

    if claim.status != "earned":
        raise Conflict(f"Claim {claim.id} is {claim.status}; only an earned claim is a badge.")
    person = claim.person if isinstance(claim.person, Person) else None
    item = claim.item
    base = _base()
    issuer = Issuer(id=f"{base}/", name=current_app.config.get("CLC_BADGE_ISSUER_NAME") or "CLC Ledger", url=f"{base}/")
    achievement = Achievement(
        id=f"{base}/ce-items/{item.id}", name=item.title,
        description=f"{item.title} ({item.code}): {item.credits} Cisco Continuing Education credits.",
        criteria_narrative=f"Completed {item.code} and had the Continuing Education claim accepted.",
        achievement_type=ACHIEVEMENT_TYPE, credits_available=item.credits, tags=["Cisco CE", item.code])
    awarded = claim.resolved_at or datetime.combine(claim.completed_on, time(12), tzinfo=clock.zone())
    return OpenBadgeCredential(
        id=f"{base}/api/v1/ce-claims/{claim.id}/badge", issuer=issuer, recipient_id=f"mailto:{person.email}",
        achievement=achievement, name=f"{item.title}: {person.name}", issuance_date=awarded,
        credits_earned=claim.credits)


def signer():
    """An openbadgeslib signer for the configured issuer key, or None (unsigned)."""
    pem = current_app.config.get("CLC_BADGE_ISSUER_KEY")
    if not pem:
        return None
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from openbadgeslib.ob3.signer import OB3Signer

    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm = "RS256"
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = "ES256"
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        algorithm = "EdDSA"
    else:
        raise ValueError("CLC_BADGE_ISSUER_KEY: an RSA, EC P-256 or Ed25519 private key")
    return OB3Signer(data, algorithm=algorithm)


def export(claim):
    """(body, mimetype): the credential as JSON (unsigned), or its VC-JWT when a key is set."""
    made = credential(claim)
    sign = signer()
    if sign is None:
        return made.to_vc(), "application/json"
    return sign.sign(made), "application/vc+jwt"
