"""The monthly statement's learning section (R-TEAM-2): CE credits earned that month from
items bought with CLCs, and certifications expiring in the 90 days after the month. Computed
for many companies at once (two queries), as the statements are."""
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from .models import CeItem, Certification, Claim, Person

EXPIRING_DAYS = 90  # R-TEAM-2


def sections(company_ids, first_day, last_day):
    """{company id: section} for the companies that have something to state; a section is
    {"credits_earned": int, "earned": [{person, item, code, credits, completed_on, debit_id}],
     "expiring": [{person, certification, level, expires_on, days_left}], "expiring_days": 90}.
    Dates are ISO strings, as the rest of a statement's snapshot."""
    if not company_ids:
        return {}
    found = defaultdict(lambda: {"credits_earned": 0, "earned": [], "expiring": [], "expiring_days": EXPIRING_DAYS})
    for row in db.session.execute(
            select(Claim.company_id, Claim.credits, Claim.completed_on, Claim.debit_id, Person.name,
                   CeItem.title, CeItem.code)
            .join(Person, Person.id == Claim.person_id).join(CeItem, CeItem.id == Claim.ce_item_id)
            .where(Claim.company_id.in_(company_ids), Claim.status == "earned", Claim.debit_id.isnot(None),
                   Claim.completed_on >= first_day, Claim.completed_on <= last_day)
            .order_by(Claim.completed_on, Person.name, Claim.id)):
        section = found[row.company_id]
        section["credits_earned"] += row.credits
        section["earned"].append({"person": row.name, "item": row.title, "code": row.code, "credits": row.credits,
                                  "completed_on": row.completed_on.isoformat(), "debit_id": row.debit_id})
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
