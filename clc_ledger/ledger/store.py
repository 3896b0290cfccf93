"""The one write path of the ledger: every row of ledger entries, holds, debits and their
allocations, the balances stored on sales orders, the chain head and its anchor is written
here, in SQLAlchemy Core statements, and nowhere else. The rule modules (debits, expiry,
entries, sales_orders, reissues, disputes) decide what is written; this module only writes it.

Core rather than the unit of work: these are the hot paths of the product (measure 1 of
bench/, pinned in tests/test_query_counts.py), and a flush sends several times the
statements. What the session holds stays true without any state set by hand:
- rows the session loaded and this module changed (an SO's balance, held and status, the
  company's chain head) are expired on the session's objects, so the next read of them reads
  the database (`Session.expire`);
- a new debit and its allocations are returned as written, objects built by their
  constructors that the session never holds (nothing to flush, nothing to read back);
- the pending -> decided compare-and-set is an ORM-enabled UPDATE whose RETURNING tells the
  session which debit it changed (synchronize_session="fetch").
"""
from sqlalchemy import bindparam, insert, update

from ..accounts.models import Company
from ..extensions import db
from .anchors import move_anchor
from .models import Debit, DebitAllocation, LedgerEntry, SalesOrder

_entries = LedgerEntry.__table__
_orders = SalesOrder.__table__
_companies = Company.__table__
_debits = Debit.__table__
_allocations = DebitAllocation.__table__

_INSERT_ENTRIES = insert(_entries)
_INSERT_SALES_ORDER = insert(_orders).returning(_orders.c.id)
_UPDATE_BALANCES = (update(_orders).where(_orders.c.id == bindparam("so_id"))
                    .values(balance=bindparam("new_balance"), held=bindparam("new_held")))
_UPDATE_STATUS = update(_orders).where(_orders.c.id == bindparam("so_id")).values(status=bindparam("new_status"))
_UPDATE_HEAD = update(_companies).where(_companies.c.id == bindparam("company_id_")).values(ledger_head=bindparam("head"))
_MARK_REMINDED = update(_debits).where(_debits.c.id == bindparam("debit_id")).values(reminded_at=bindparam("now"))
_INSERT_DEBIT = insert(_debits).returning(_debits.c.id)
_INSERT_ALLOCATIONS = insert(_allocations).returning(_allocations.c.id, sort_by_parameter_order=True)


def _connection():
    return db.session.connection()


def append_entries(company, rows, balances):
    """Write ledger entries (`rows`: their columns, hash and prev_hash included, in chain
    order), each touched SO's new balance and held (`balances`: {SalesOrder: (balance,
    held)}), the company's chain head (the last entry's hash) and its anchor: one statement
    each, however many entries."""
    connection = _connection()
    head = rows[-1]["hash"]
    connection.execute(_INSERT_ENTRIES, rows)
    connection.execute(_UPDATE_BALANCES, [{"so_id": sales_order.id, "new_balance": balance, "new_held": held}
                                          for sales_order, (balance, held) in balances.items()])
    connection.execute(_UPDATE_HEAD, {"company_id_": company.id, "head": head})
    move_anchor(connection, company.id, rows[0]["prev_hash"], head)
    for sales_order in balances:
        db.session.expire(sales_order, ["balance", "held"])
    db.session.expire(company, ["ledger_head"])


def insert_sales_order(values):
    """A new SO (`values`: its columns but id; it starts with no balance and nothing held:
    credits arrive by entries). Returns it as the session's SalesOrder."""
    sales_order_id = _connection().execute(_INSERT_SALES_ORDER, {**values, "balance": 0, "held": 0}).scalar_one()
    return db.session.get(SalesOrder, sales_order_id)


def update_sales_order(sales_order, **values):
    """An SO's own columns as the rules moved them (its dates, status, activation)."""
    _connection().execute(update(_orders).where(_orders.c.id == sales_order.id).values(**values))
    db.session.expire(sales_order, list(values))


def set_sales_order_status(sales_order, status):
    """An SO's status as the rules moved it (expired, closed)."""
    if sales_order.status != status:
        set_sales_order_statuses([sales_order], status)


def set_sales_order_statuses(sales_orders, status):
    """Several SOs' status, in one statement."""
    if not sales_orders:
        return
    _connection().execute(_UPDATE_STATUS, [{"so_id": sales_order.id, "new_status": status}
                                           for sales_order in sales_orders])
    for sales_order in sales_orders:
        db.session.expire(sales_order, ["status"])


def insert_debit(values, requester, plan):
    """Write a debit (`values`: its columns but id) and its allocations (`plan`: [(sales
    order, hundredths)]). Returns the Debit as written, with its allocations and requester:
    built by its constructor and never added to the session, so nothing of it is flushed or
    read back (a later read in the transaction loads the row as usual)."""
    connection = _connection()
    debit_id = connection.execute(_INSERT_DEBIT, values).scalar_one()
    rows = [{"debit_id": debit_id, "sales_order_id": sales_order.id, "amount": part} for sales_order, part in plan]
    ids = connection.scalars(_INSERT_ALLOCATIONS, rows).all()
    return Debit(id=debit_id, **values, requested_by=requester, decided_by=None,
                 allocations=[DebitAllocation(id=line_id, sales_order=sales_order, **row)
                              for line_id, row, (sales_order, _part) in zip(ids, rows, plan, strict=True)])


def mark_reminded(debit, now):
    """The 30-day reminder of a pending debit was sent (R-DEB-7): once."""
    _connection().execute(_MARK_REMINDED, {"debit_id": debit.id, "now": now})
    db.session.expire(debit, ["reminded_at"])


def resolve_pending(debit, *, to_status, decided_by_id, reason, now):
    """Compare-and-set a debit from pending to `to_status`; False if it was resolved already.
    The session's `debit` holds the decision when this returns True."""
    result = db.session.execute(
        update(Debit).where(Debit.id == debit.id, Debit.status == "pending")
        .values(status=to_status, decided_at=now, decided_by_id=decided_by_id, reason=reason),
        execution_options={"synchronize_session": "fetch"})
    return result.rowcount == 1
