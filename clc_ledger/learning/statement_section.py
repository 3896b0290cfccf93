"""The monthly statement's learning section (R-TEAM-2): CE credits earned that month from
items bought with CLCs, and certifications expiring in the 90 days after the month. Computed
for many companies at once (two queries), as the statements are."""
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import distinct, func, select

from ..extensions import db
from ..statements.snapshot import add_section
from .models import Certification, Claim, Person

EXPIRING_DAYS = 90  # R-TEAM-2


def sections(company_ids, first_day, last_day):
    """{company id: section} for the companies that have something to state; a section is
    {"credits_earned": int, "claims_earned": int, "people_earning": int,
     "expiring": [{person, certification, level, expires_on, days_left}], "expiring_days": 90}.
    Dates are ISO strings, as the rest of a statement's snapshot."""
    if not company_ids:
        return {}
    found = defaultdict(lambda: {"credits_earned": 0, "claims_earned": 0, "people_earning": 0, "expiring": [],
                                 "expiring_days": EXPIRING_DAYS})
    for row in db.session.execute(
            select(Claim.company_id, func.sum(Claim.credits).label("credits"), func.count(Claim.id).label("claims"),
                   func.count(distinct(Claim.person_id)).label("people"))
            .where(Claim.company_id.in_(company_ids), Claim.status == "earned", Claim.debit_id.isnot(None),
                   Claim.completed_on >= first_day, Claim.completed_on <= last_day)
            .group_by(Claim.company_id)):
        found[row.company_id].update(credits_earned=int(row.credits), claims_earned=int(row.claims),
                                     people_earning=int(row.people))
    for row in db.session.execute(
            select(Certification.company_id, Certification.name, Certification.level, Certification.expires_on,
                   Person.name.label("person"))
            .join(Person, Person.id == Certification.person_id)
            .where(Certification.company_id.in_(company_ids), Person.active,
                   Certification.expires_on > last_day,
                   Certification.expires_on <= last_day + timedelta(days=EXPIRING_DAYS))
            .order_by(Certification.expires_on, Person.name, Certification.id)):
        found[row.company_id]["expiring"].append({
            "person": row.person, "certification": row.name, "level": row.level,
            "expires_on": row.expires_on.isoformat(), "days_left": (row.expires_on - last_day).days})
    return dict(found)


add_section("learning", sections)
