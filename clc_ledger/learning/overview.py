"""The company overview: every person x certification with progress (R-CRN-1 `at_risk`).

Built in three queries whatever the roster's size (people with their certifications, then
their claims and exams), and computed in memory: bench/learning.py measures it for 5,000
people with 3 certifications each.
"""
from sqlalchemy import select

from .. import clock
from ..extensions import db
from .models import Certification, Person
from .progress import pools, view


def company_rows(company_id, *, viewer, status=None, within_days=None):
    """Rows sorted by days left (soonest first; entry-level last). A member sees only the
    person linked to them (R-PPL-2). `status=at_risk` keeps at-risk rows; `within_days`
    keeps those expiring within that many days."""
    today = clock.today()
    query = (select(Certification, Person.name).join(Person, Person.id == Certification.person_id)
             .where(Certification.company_id == company_id, Person.active))
    if not viewer.is_admin and viewer.role not in ("captain", "observer"):
        query = query.where(Person.user_id == viewer.id)
    found = db.session.execute(query).all()
    by_person = pools(sorted({certification.person_id for certification, _ in found}))
    rows = []
    for certification, name in found:
        row = view(certification, by_person[certification.person_id], today)
        if status == "at_risk" and not row["at_risk"]:
            continue
        if status in ("active", "expired") and row["status"] != status:
            continue
        if within_days is not None and (row["days_left"] is None or not 0 <= row["days_left"] <= within_days):
            continue
        row["person_name"] = name
        rows.append(row)
    rows.sort(key=lambda row: (row["days_left"] is None, row["days_left"] or 0, row["person_name"], row["id"]))
    return rows
