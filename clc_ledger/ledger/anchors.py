"""Chain anchors (R-LED-2): each company's newest ledger entry, recorded outside the rows the
chain checks and sealed with a key the database does not hold.

`companies.ledger_head` alone cannot reveal a chain cut short at its end: whoever deletes the
last entries can rewind the head to match. The anchor repeats the head in its own table with an
HMAC-SHA256 keyed from the application's secret, so a rewound head needs a forged seal, which
needs the key. What it cannot catch is an old anchor row copied back whole (a replay); the
verification command says so in its docs.
"""
import hashlib
import hmac

from flask import current_app
from sqlalchemy import insert, update

from ..extensions import db


class LedgerAnchor(db.Model):
    """The sealed head of one company's ledger chain, written with every entry."""

    __tablename__ = "ledger_anchors"

    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), primary_key=True, autoincrement=False)
    head = db.Column(db.String(64), nullable=False)
    seal = db.Column(db.String(64), nullable=False)


def _key(app=None):
    secret = (app or current_app).config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, b"clc-ledger chain anchor v1", hashlib.sha256).digest()


def seal(company_id, head, app=None):
    """The HMAC-SHA256 (hex) of a company's chain head under the anchor key."""
    return hmac.new(_key(app), f"{int(company_id)}:{head}".encode(), hashlib.sha256).hexdigest()


def is_sealed(company_id, head, stored_seal, app=None):
    return hmac.compare_digest(seal(company_id, head, app), stored_seal or "")


_INSERT = insert(LedgerAnchor.__table__)
_UPDATE = (update(LedgerAnchor.__table__).where(LedgerAnchor.__table__.c.company_id == db.bindparam("company"))
           .values(head=db.bindparam("new_head"), seal=db.bindparam("new_seal")))


def move_anchor(connection, company_id, previous_head, head):
    """Record `head` as the company's anchor; the first entry of a company creates it."""
    values = {"new_head": head, "new_seal": seal(company_id, head)}
    if previous_head is None:
        connection.execute(_INSERT, {"company_id": company_id, "head": head, "seal": values["new_seal"]})
    else:
        connection.execute(_UPDATE, {"company": company_id, **values})
