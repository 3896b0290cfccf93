"""Ledger history for statement tests, built through the API on the test clock.

The program time zone is America/Los_Angeles (tests/conftest.py), so "-08:00"/"-07:00"
timestamps below are local times.
"""
from datetime import datetime

from sqlalchemy import select

from clc_ledger.extensions import db
from clc_ledger.statements.models import Statement


def instant(iso):
    return datetime.fromisoformat(iso)


def debit(actor, amount, description="ILT course", category="instructor_led_training", **extra):
    response = actor.post("/api/v1/debits", json={"amount": amount, "category": category,
                                                   "description": description, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def statements_of(company_id):
    db.session.rollback()
    return {s.period: s for s in db.session.scalars(select(Statement).where(Statement.company_id == company_id))}


class History:
    """A company with three months of movements:

    2026-01: SO-1 activated +100.00 (Jan 12); a debit of 12.50 at 23:30 local on Jan 31
             (already Feb 1 in UTC: it must count in January).
    2026-02: nothing.
    2026-03: SO-2 activated +50.00 (Mar 5); debits 30.25 (Mar 9) and 0.01 (Mar 31).
    """

    def __init__(self, api, *, name="Acme Networks", locale="en_US", country="US", prefix="SO"):
        api.set_clock("2026-01-12T10:00:00-08:00")
        tag = prefix.lower()
        self.company = api.company(name=name, locale=locale, country=country,
                                   statement_recipients=["finance@acme.example", f"{tag.upper()}-CAPTAIN@example.com"])
        self.id = self.company["id"]
        self.captain = api.person(f"{tag}-captain", "captain", self.id)
        self.observer = api.person(f"{tag}-observer", "observer", self.id)
        self.member = api.person(f"{tag}-member", "member", self.id)
        self.so1, self.so2 = f"{prefix}-1", f"{prefix}-2"
        api.sales_order(self.so1, self.id, "100.00", booked_on="2026-01-05", invoice_date="2026-01-10")
        api.set_clock("2026-01-31T23:30:00-08:00")
        debit(self.member, "12.50", "Exam voucher CCNA", category="exam_voucher")
        api.set_clock("2026-03-05T09:00:00-08:00")
        api.sales_order(self.so2, self.id, "50.00", booked_on="2026-02-20", invoice_date="2026-03-02")
        api.set_clock("2026-03-09T09:00:00-07:00")
        debit(self.member, "30.25", "Automation bootcamp seat", category="automation_bootcamp")
        api.set_clock("2026-03-31T23:59:00-07:00")
        debit(self.member, "0.01")
