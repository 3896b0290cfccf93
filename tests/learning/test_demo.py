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


def test_the_demo_partner_holds_specializations_with_points(app):
    """Learning II in the demo: one specialization short of points before renewal, one met."""
    from clc_ledger.learning import specializations

    load_demo()
    acme = db.session.scalar(select(Company).where(Company.name == "Acme Networks"))
    shown = {s.name: specializations.view(s) for s in specializations.list_specializations(acme.id)}
    assert (shown["Enterprise Networks"]["points"], shown["Enterprise Networks"]["required"]) == (50, 100)
    assert 0 < shown["Enterprise Networks"]["days_to_renewal"] <= 90
    assert (shown["Collaboration"]["points"], shown["Collaboration"]["short"]) == (40, 0)
