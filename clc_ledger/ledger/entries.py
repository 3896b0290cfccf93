"""The single path by which credits change: one ledger entry and the SO's stored balance,
in the same transaction, chained to the company's previous entry (R-LED-1, R-LED-2)."""
from sqlalchemy import insert, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..accounts.models import Company
from ..extensions import db
from .models import BALANCE_KINDS, HOLD_KINDS, LedgerEntry, SalesOrder, chain_hash, note_content

# Written as three plain statements rather than through the unit of work: this is every
# debit's hot path, and a flush costs several times the statements it sends.
_INSERT_ENTRY = insert(LedgerEntry.__table__)
_UPDATE_SALES_ORDER = (update(SalesOrder.__table__).where(SalesOrder.__table__.c.id == db.bindparam("so_id"))
                       .values(balance=db.bindparam("new_balance"), held=db.bindparam("new_held")))
_UPDATE_HEAD = (update(Company.__table__).where(Company.__table__.c.id == db.bindparam("company_id_"))
                .values(ledger_head=db.bindparam("head")))


def record_entry(company, sales_order, kind, amount, *, actor_id=None, debit_id=None, description="", at=None,
                 note=None, refs=None):
    """Append an entry. The caller holds the company lock (accounts.services.lock_company).

    `note` (one of ledger.notes.NOTES) and `refs` (plain JSON values it names) say what
    happened, worded when shown; `description` is only what a person wrote, if anything.

    `company` and `sales_order` are the session's objects: they are updated to what was
    written, as committed values, so the session has nothing left to flush for them."""
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
    content = {"company_id": company.id, "sales_order_id": sales_order.id, "at": at or clock.now(), "kind": kind,
               "amount": amount, "debit_id": debit_id, "description": description[:500], "actor_id": actor_id}
    hashed = {**content, "at": content["at"].isoformat(timespec="microseconds"), **note_content(note, refs)}
    digest = chain_hash(company.ledger_head, hashed)
    connection = db.session.connection()  # Core statements: the session's layer adds nothing here
    connection.execute(_INSERT_ENTRY, {**content, "note": note, "refs": refs if note else None,
                                       "prev_hash": company.ledger_head, "hash": digest})
    connection.execute(_UPDATE_SALES_ORDER, {"so_id": sales_order.id, "new_balance": balance, "new_held": held})
    connection.execute(_UPDATE_HEAD, {"company_id_": company.id, "head": digest})
    set_committed_value(sales_order, "balance", balance)
    set_committed_value(sales_order, "held", held)
    set_committed_value(company, "ledger_head", digest)
