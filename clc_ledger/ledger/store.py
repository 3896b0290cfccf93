"""The one write path of the ledger: every row of ledger entries, holds, debits and their
allocations, the balances stored on sales orders, the chain head and its anchor is written
here, in SQLAlchemy Core, and nowhere else. The rule modules (debits, expiry, entries,
sales_orders, reissues, disputes) decide what is written; this module only writes it.

Core rather than the unit of work: these are the hot paths of the product (measure 1 of
bench/, pinned in tests/test_query_counts.py), and a flush sends several times the
statements. The session's objects the caller holds are then kept in step with what was
written (`_in_step`), so that nothing is read back and nothing is left to flush: that is
the only place the ORM's loaded state is set from outside it.
"""
from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import Company
from ..extensions import db
from .anchors import move_anchor
from .models import Debit, DebitAllocation, LedgerEntry, SalesOrder

_entries = LedgerEntry.__table__
_orders = SalesOrder.__table__
_companies = Company.__table__
_debits = Debit.__table__
_allocations = DebitAllocation.__table__

_INSERT_ENTRY = insert(_entries)
_UPDATE_BALANCES = (update(_orders).where(_orders.c.id == bindparam("so_id"))
                    .values(balance=bindparam("new_balance"), held=bindparam("new_held")))
_UPDATE_STATUS = update(_orders).where(_orders.c.id == bindparam("so_id")).values(status=bindparam("new_status"))
_UPDATE_HEAD = update(_companies).where(_companies.c.id == bindparam("company_id_")).values(ledger_head=bindparam("head"))
_INSERT_DEBIT = insert(_debits).returning(_debits.c.id)
_INSERT_ALLOCATIONS = insert(_allocations).returning(_allocations.c.id, sort_by_parameter_order=True)
_RESOLVE_PENDING = (update(_debits).where(_debits.c.id == bindparam("debit_id"), _debits.c.status == "pending")
                    .values(status=bindparam("to_status"), decided_at=bindparam("now"),
                            decided_by_id=bindparam("decided_by"), reason=bindparam("why")))


def _in_step(obj, **values):
    """The session's object `obj` now holds `values` as loaded from the database."""
    for key, value in values.items():
        set_committed_value(obj, key, value)


def _connection():
    return db.session.connection()


def append_entry(company, sales_order, row, *, balance, held):
    """Write one ledger entry (`row`: its columns, hash and prev_hash included), the SO's new
    `balance` and `held`, the company's chain head (the entry's hash) and its anchor."""
    connection = _connection()
    connection.execute(_INSERT_ENTRY, row)
    connection.execute(_UPDATE_BALANCES, {"so_id": sales_order.id, "new_balance": balance, "new_held": held})
    connection.execute(_UPDATE_HEAD, {"company_id_": company.id, "head": row["hash"]})
    move_anchor(connection, company.id, company.ledger_head, row["hash"])
    _in_step(sales_order, balance=balance, held=held)
    _in_step(company, ledger_head=row["hash"])


def set_sales_order_status(sales_order, status):
    """An SO's status as the rules moved it (expired, closed)."""
    if sales_order.status == status:
        return
    _connection().execute(_UPDATE_STATUS, {"so_id": sales_order.id, "new_status": status})
    _in_step(sales_order, status=status)


def insert_debit(values, requester, plan):
    """Write a debit (`values`: its columns but id) and its allocations (`plan`: [(sales
    order, hundredths)]). Returns the Debit with `allocations` and `requested_by` loaded;
    it is not in the session (nothing of it is left to flush or to read back)."""
    connection = _connection()
    debit = Debit(id=connection.execute(_INSERT_DEBIT, values).scalar_one(), **values)
    rows = [{"debit_id": debit.id, "sales_order_id": sales_order.id, "amount": part} for sales_order, part in plan]
    lines = [DebitAllocation(id=line_id, **row)
             for row, line_id in zip(rows, connection.scalars(_INSERT_ALLOCATIONS, rows))]
    _in_step(debit, requested_by=requester, allocations=lines, decided_by=None)
    for line, (sales_order, _part) in zip(lines, plan):
        _in_step(line, debit=debit, sales_order=sales_order)
    for obj in (debit, *lines):
        make_transient_to_detached(obj)
    return debit


def resolve_pending(debit, *, to_status, decided_by_id, reason, now):
    """Compare-and-set a debit from pending to `to_status`; False if it was resolved
    already. Either way the debit, its allocations and their SOs are then read again: the
    caller took the company lock after loading them, and their balances may have moved."""
    changed = _connection().execute(_RESOLVE_PENDING, {"debit_id": debit.id, "to_status": to_status, "now": now,
                                                       "decided_by": decided_by_id, "why": reason}).rowcount
    db.session.refresh(debit)
    return changed == 1
