"""The single path by which credits change: one ledger entry and the SO's stored balance,
in the same transaction, chained to the company's previous entry (R-LED-1, R-LED-2)."""
from .. import clock
from ..extensions import db
from .models import BALANCE_KINDS, HOLD_KINDS, LedgerEntry


def record_entry(company, sales_order, kind, amount, *, actor_id=None, debit_id=None, description="", at=None):
    """Append an entry. The caller holds the company lock (accounts.services.lock_company)."""
    amount = int(amount)
    if amount == 0:
        return None
    if kind in BALANCE_KINDS:
        sales_order.balance += amount
    elif kind in HOLD_KINDS:
        sales_order.held -= amount  # a hold is negative: it raises `held`
    else:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    if sales_order.balance < 0 or sales_order.held < 0 or sales_order.held > sales_order.balance:
        # The services check first; this is the last line before the database's own CHECKs.
        raise AssertionError(f"{kind} of {amount} would overdraw {sales_order.so_number}")
    entry = LedgerEntry(
        company_id=company.id,
        sales_order_id=sales_order.id,
        at=at or clock.now(),
        kind=kind,
        amount=amount,
        debit_id=debit_id,
        description=description[:500],
        actor_id=actor_id,
        prev_hash=company.ledger_head,
    )
    entry.hash = entry.compute_hash()
    company.ledger_head = entry.hash
    db.session.add(entry)
    return entry
