"""The single path by which credits change: one ledger entry and the SO's stored balance,
in the same transaction, chained to the company's previous entry (R-LED-1, R-LED-2)."""
from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..accounts.models import Company
from ..extensions import db
from .anchors import move_anchor
from .models import BALANCE_KINDS, HOLD_KINDS, LedgerEntry, SalesOrder, chain_hash, note_content

# Written as three plain statements rather than through the unit of work: this is every
# debit's hot path, and a flush costs several times the statements it sends.
_INSERT_ENTRY = insert(LedgerEntry.__table__)
_UPDATE_SALES_ORDER = (update(SalesOrder.__table__).where(SalesOrder.__table__.c.id == db.bindparam("so_id"))
                       .values(balance=db.bindparam("new_balance"), held=db.bindparam("new_held")))
_UPDATE_HEAD = (update(Company.__table__).where(Company.__table__.c.id == db.bindparam("company_id_"))
                .values(ledger_head=db.bindparam("head")))


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
    from ..statements.models import Statement  # statements read the ledger; not the other way round

    issued = set(db.session.scalars(select(Statement.period).where(Statement.company_id == company_id)))
    year, month = _month(effective_at)
    original = f"{year:04d}-{month:02d}"
    if original not in issued:
        return effective_at, None
    while f"{year:04d}-{month:02d}" in issued:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return max(effective_at, _month_start(year, month)), original


def record_entry(company, sales_order, kind, amount, *, actor_id=None, debit_id=None, description="", at=None,
                 note=None, refs=None):
    """Append an entry. The caller holds the company lock (accounts.services.lock_company).

    `at` is its effective time (R-LED-3; default: now, the moment of the decision); it is
    recorded at the clock's now. An `at` inside a month already stated moves to the next
    open month (open_effective_time). `note` (one of ledger.notes.NOTES) and `refs` (plain
    JSON values it names) say what happened, worded when shown; `description` is only what a
    person wrote, if anything. `company` and `sales_order` are the session's
    objects: they are updated to what was written, as committed values, so the session has
    nothing left to flush for them."""
    amount = int(amount)
    if amount == 0:
        return
    balance, held = sales_order.balance, sales_order.held
    if kind in BALANCE_KINDS:
        balance += amount
    elif kind in HOLD_KINDS:
        held -= amount  # a hold is negative: it raises `held`
    else:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    if balance < 0 or held < 0 or held > balance:
        # The services check first; this is the last line before the database's own CHECKs.
        raise AssertionError(f"{kind} of {amount} would overdraw {sales_order.so_number}")
    if sales_order.id is None or company.id is None:
        db.session.flush()  # a sales order created in this transaction needs its id
    recorded_at = clock.now()
    effective_at, deferred_from = open_effective_time(company.id, at or recorded_at, recorded_at)
    content = {"company_id": company.id, "sales_order_id": sales_order.id, "effective_at": effective_at,
               "recorded_at": recorded_at, "deferred_from": deferred_from, "kind": kind,
               "amount": amount, "debit_id": debit_id, "description": description, "actor_id": actor_id}
    digest = chain_hash(company.ledger_head, {
        **content, "effective_at": effective_at.isoformat(timespec="microseconds"),
        "recorded_at": recorded_at.isoformat(timespec="microseconds"), **note_content(note, refs)})
    connection = db.session.connection()  # Core statements: the session's layer adds nothing here
    connection.execute(_INSERT_ENTRY, {**content, "note": note, "refs": refs if note else None,
                                       "prev_hash": company.ledger_head, "hash": digest})
    connection.execute(_UPDATE_SALES_ORDER, {"so_id": sales_order.id, "new_balance": balance, "new_held": held})
    connection.execute(_UPDATE_HEAD, {"company_id_": company.id, "head": digest})
    move_anchor(connection, company.id, company.ledger_head, digest)
    set_committed_value(sales_order, "balance", balance)
    set_committed_value(sales_order, "held", held)
    set_committed_value(company, "ledger_head", digest)
