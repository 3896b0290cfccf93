"""The single path by which credits change: one ledger entry and the SO's stored balance,
in the same transaction, chained to the company's previous entry (R-LED-1, R-LED-2)."""
from datetime import UTC, date, datetime, time

from .. import clock
from ..extensions import db
from . import store
from .signals import months_stated
from .models import BALANCE_KINDS, HOLD_KINDS, chain_hash, entry_content


def _month(instant):
    local = instant.astimezone(clock.zone())
    return local.year, local.month


def _month_start(year, month):
    return datetime.combine(date(year, month, 1), time(0), tzinfo=clock.zone()).astimezone(UTC)


def open_effective_time(company_id, effective_at, recorded_at):
    """(effective_at, deferred_from): R-LED-3's "never effective inside a month whose
    statement was already issued". An entry dated back into an earlier month (program time
    zone) whose statement the company already has is made effective at the start of the
    next month without one; `deferred_from` names the month it belonged in ('YYYY-MM'),
    else None. Only entries dated back across a month end cost a query."""
    if _month(effective_at) >= _month(recorded_at):
        return effective_at, None
    issued = set().union(*(periods for _receiver, periods in months_stated.send(company_id)))
    year, month = _month(effective_at)
    original = f"{year:04d}-{month:02d}"
    if original not in issued:
        return effective_at, None
    while f"{year:04d}-{month:02d}" in issued:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return max(effective_at, _month_start(year, month)), original


def record_entry(company, sales_order, kind, amount, **said):
    """Append one entry: record_entries with one line."""
    record_entries(company, [(sales_order, kind, amount)], **said)


def record_entries(company, lines, *, actor_id=None, debit_id=None, description="", at=None, note=None, refs=None):
    """Append entries, in order, for one decision. The caller holds the company lock
    (accounts.services.lock_company).

    `lines`: [(SalesOrder, kind, hundredths)], or (SalesOrder, kind, hundredths, {its own
    at, note, refs or description}); a line of 0 writes nothing. `at` is the effective time
    (R-LED-3; default: now, the moment of the decision); entries are recorded at the clock's
    now. An `at` inside a month already stated moves to the next open month
    (open_effective_time). `note` (one of ledger.notes.NOTES) and `refs` (plain JSON values
    it names) say what happened, worded when shown; `description` is only what a person
    wrote, if anything. Each entry is chained to the one before it (R-LED-2), and every
    running balance is checked before anything is written (R-SO-4). Returns the rows
    written, in order (their effective times as open_effective_time made them); [] if none."""
    shared = {"at": at, "note": note, "refs": refs, "description": description}
    lines = [(sales_order, kind, int(amount), {**shared, **(own[0] if own else {})})
             for sales_order, kind, amount, *own in lines if int(amount) != 0]
    if not lines:
        return []
    if company.id is None or any(sales_order.id is None for sales_order, *_rest in lines):
        db.session.flush()  # a sales order created in this transaction needs its id
    balances = {}
    for sales_order, kind, amount, _said in lines:
        balance, held = balances.get(sales_order, (sales_order.balance, sales_order.held))
        balances[sales_order] = _moved(sales_order, kind, amount, balance, held)
    recorded_at = clock.now()
    head, rows = company.ledger_head, []
    for sales_order, kind, amount, said in lines:
        effective_at, deferred_from = open_effective_time(company.id, said["at"] or recorded_at, recorded_at)
        content = {"company_id": company.id, "sales_order_id": sales_order.id, "effective_at": effective_at,
                   "recorded_at": recorded_at, "deferred_from": deferred_from, "kind": kind, "amount": amount,
                   "debit_id": debit_id, "description": said["description"], "actor_id": actor_id}
        digest = chain_hash(head, entry_content(**content, note=said["note"], refs=said["refs"]))
        rows.append({**content, "note": said["note"], "refs": said["refs"] if said["note"] else None,
                     "prev_hash": head, "hash": digest})
        head = digest
    store.append_entries(company, rows, balances)
    return rows


def _moved(sales_order, kind, amount, balance, held):
    """(balance, held) of an SO after one entry of `kind` and `amount`."""
    if kind in BALANCE_KINDS:
        balance += amount
    elif kind in HOLD_KINDS:
        held -= amount  # a hold is negative: it raises `held`
    else:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    if balance < 0 or held < 0 or held > balance:
        # The services check first; this is the last line before the database's own CHECKs.
        raise AssertionError(f"{kind} of {amount} would overdraw {sales_order.so_number}")
    return balance, held
