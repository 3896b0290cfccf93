"""The company overview: every person x certification with progress (R-CRN-1 `at_risk`).

Sorted by expiry (soonest first, expired first, entry level last) in the database, which
also pages it, so a page costs the same whatever the roster's size: progress is computed
for the rows of the page only, from their people's claims and exams (two more queries).
`status=at_risk` first narrows to active certifications expiring within 180 days in SQL.
bench/b7_learning.py measures it for 5,000 people with 3 certifications each.
"""
from datetime import timedelta

from sqlalchemy import or_, select

from .. import clock
from ..extensions import db
from . import rules
from .models import Certification, Person
from .progress import pools, read_connection, view

_COLUMNS = (Certification.id, Certification.person_id, Certification.name, Certification.level,
            Certification.earned_on, Certification.cycle_started_on, Certification.expires_on,
            Person.name.label("person_name"))


def company_rows(company_id, *, viewer, status=None, within_days=None, limit=None, offset=0):
    """Rows for the company (a member: only the person linked to them, R-PPL-2), soonest
    expiry first. `status`: at_risk, active or expired; `within_days`: expiring from today
    to that many days ahead; `limit`/`offset` page the result (None: every row)."""
    today = clock.today()
    query = rows_query(company_id, viewer=viewer, status=status, within_days=within_days)
    paged_in_sql = status != "at_risk" and limit is not None
    if paged_in_sql:
        query = query.offset(offset).limit(limit)
    found = read_connection().execute(query).all()
    # Unpaged on PostgreSQL, the people are named by the same query in SQL: thousands of ids
    # as bound parameters cost more to expand and send than the subquery costs to run there
    # (on SQLite the list is the cheaper; bench/RESULTS.md, Measure 8).
    by_subquery = not paged_in_sql and read_connection().dialect.name == "postgresql"
    by_person = pools(sorted({row.person_id for row in found}), among=people_of(query) if by_subquery else None)
    options = {}
    rows = []
    for row in found:
        if row.level not in options:
            options[row.level] = rules.pathways(row.level)
        shown = view(row, by_person[row.person_id], today, options[row.level])
        if status == "at_risk" and not shown["at_risk"]:
            continue
        shown["person_name"] = row.person_name
        rows.append(shown)
    if status == "at_risk" and limit is not None:
        rows = rows[offset:offset + limit]
    return rows


def people_of(query):
    """The person ids of an unpaged rows_query, as a SELECT for IN (unordered)."""
    return query.with_only_columns(Certification.person_id).order_by(None)


def rows_query(company_id, *, viewer, status=None, within_days=None):
    """The SELECT of company_rows (the columns of _COLUMNS), sorted, not paged."""
    today = clock.today()
    query = (select(*_COLUMNS).join(Person, Person.id == Certification.person_id)
             .where(Certification.company_id == company_id, Person.active)
             .order_by(Certification.expires_on.is_(None), Certification.expires_on, Person.name, Certification.id))
    if not viewer.is_admin and viewer.role not in ("captain", "observer"):
        query = query.where(Person.user_id == viewer.id)
    if within_days is not None:
        query = query.where(Certification.expires_on >= today, Certification.expires_on <= today + timedelta(days=within_days))
    if status == "at_risk":
        query = query.where(Certification.expires_on >= today,
                            Certification.expires_on <= today + timedelta(days=rules.AT_RISK_DAYS))
    elif status == "active":
        query = query.where(or_(Certification.expires_on.is_(None), Certification.expires_on >= today))
    elif status == "expired":
        query = query.where(Certification.expires_on < today)
    return query
