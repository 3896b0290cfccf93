"""The demo shows Learning I at work: certifications at various stages, claims, and a
CE-bearing debit whose attendees have planned claims."""
from sqlalchemy import select

from clc_ledger.accounts.models import Company, User
from clc_ledger.demo import load_demo
from clc_ledger.extensions import db
from clc_ledger.learning.models import Claim
from clc_ledger.learning.overview import company_rows


def test_the_demo_has_people_certifications_claims_and_a_ce_bearing_debit(app):
    load_demo()
    acme = db.session.scalar(select(Company).where(Company.name == "Acme Networks"))
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    rows = company_rows(acme.id, viewer=alice)
    assert {row["status"] for row in rows} == {"active", "expired"}
    assert any(row["at_risk"] for row in rows)
    states = sorted(claim.status for claim in db.session.scalars(select(Claim)))
    assert states == ["earned", "pending", "planned", "planned"]
    load_demo()  # a second load adds nothing
    assert len(db.session.scalars(select(Claim)).all()) == 4
