"""Shared set-up for reissue tests: one company, its people, one SO expiring 2027-01-10."""
import pytest
from sqlalchemy import func, select

from clc_ledger.extensions import db
from clc_ledger.ledger.models import BALANCE_KINDS, HOLD_KINDS, LedgerEntry, SalesOrder

SO = "SO-1"
EXPIRES_ON = "2027-01-10"  # invoiced 2026-01-10 + 365 days; window 2026-11-11 .. 2027-03-11


@pytest.fixture
def acme_expiring(api):
    """The reissue folder's world: Acme with captain approval, a captain, a member and an
    observer, and one SO invoiced 2026-01-10 (expiring 2027-01-10) of 100 CLC."""
    company = api.company(approval=True)
    people = {
        "carla": api.person("carla", "captain", company["id"]),
        "mia": api.person("mia", "member", company["id"]),
        "olga": api.person("olga", "observer", company["id"]),
    }
    api.set_clock("2026-02-01T20:00:00+00:00")
    api.sales_order(SO, company["id"], "100.00", invoice_date="2026-01-10")
    return {"company": company, **people}


def noon_on(day):
    """Noon in Los Angeles (the program's time zone) on `day`."""
    return f"{day}T20:00:00+00:00"


def plan(total="100.00", planned_on="2027-01-20", category="instructor_led_training", item="CCNP ENCOR"):
    return {"justification": "Team training postponed by the migration project.",
            "training_plan": [{"item": item, "category": category, "planned_on": planned_on, "credits": total}]}


def stored_balances_match_entries():
    """R-LED-1: every SO's stored balance and held equal what its entries say."""
    db.session.rollback()
    for so in db.session.scalars(select(SalesOrder)):
        balance = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.sales_order_id == so.id, LedgerEntry.kind.in_(BALANCE_KINDS)))
        holds = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.sales_order_id == so.id, LedgerEntry.kind.in_(HOLD_KINDS)))
        assert (so.balance, so.held) == (balance, -holds), so.so_number
    from clc_ledger.ledger.verify import verify_ledger

    problem = verify_ledger()
    assert problem is None, problem
    db.session.rollback()
    return True


def entries_of(actor, company_id, so_number=None):
    entries = actor.get(f"/api/v1/companies/{company_id}/ledger").get_json()["entries"]
    return [(e["kind"], e["so_number"], e["amount"]) for e in entries if so_number in (None, e["so_number"])]
