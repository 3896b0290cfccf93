"""verify-ledger (R-LED-1, R-LED-2): rebuild every balance from the entries alone and walk each
company's hash chain. Streams the entries, so it runs in constant memory at any size."""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import Company
from ..extensions import db
from .anchors import LedgerAnchor, is_sealed
from .models import BALANCE_KINDS, LedgerEntry, SalesOrder


@dataclass
class Problem:
    entry_id: int | None
    message: str


def verify_ledger(batch=5000, company_id=None):
    """The first problem found, or None when every chain and balance checks out."""
    companies = select(Company.id, Company.ledger_head)
    query = select(LedgerEntry).order_by(LedgerEntry.id).execution_options(yield_per=batch)
    orders = select(SalesOrder.id, SalesOrder.so_number, SalesOrder.balance, SalesOrder.held)
    if company_id is not None:
        companies = companies.where(Company.id == company_id)
        query = query.where(LedgerEntry.company_id == company_id)
        orders = orders.where(SalesOrder.company_id == company_id)
    anchor_query = select(LedgerAnchor.company_id, LedgerAnchor.head, LedgerAnchor.seal)
    if company_id is not None:
        anchor_query = anchor_query.where(LedgerAnchor.company_id == company_id)
    heads = dict(db.session.execute(companies).all())
    last_hash = {}
    balance = defaultdict(int)
    held = defaultdict(int)
    for entry in db.session.scalars(query):
        if entry.prev_hash != last_hash.get(entry.company_id):
            return Problem(entry.id, f"entry {entry.id} does not follow the previous entry of company "
                                     f"{entry.company_id} (broken chain)")
        if entry.compute_hash() != entry.hash:
            return Problem(entry.id, f"entry {entry.id} was altered: its content does not match its hash")
        last_hash[entry.company_id] = entry.hash
        if entry.kind in BALANCE_KINDS:
            balance[entry.sales_order_id] += entry.amount
        else:
            held[entry.sales_order_id] -= entry.amount
        db.session.expunge(entry)
    anchors = {row.company_id: row for row in db.session.execute(anchor_query)}
    for company_id, head in heads.items():
        if head != last_hash.get(company_id):
            return Problem(None, f"company {company_id}: the newest entry is not the recorded head of its chain "
                                 "(entries removed or added out of band)")
        problem = _anchor_problem(company_id, last_hash.get(company_id), anchors.get(company_id))
        if problem is not None:
            return problem
    for so_id, so_number, stored_balance, stored_held in db.session.execute(orders):
        if stored_balance != balance[so_id] or stored_held != held[so_id]:
            return Problem(None, f"{so_number}: stored balance {stored_balance} / held {stored_held} but the entries "
                                 f"give {balance[so_id]} / {held[so_id]} (hundredths of a CLC)")
    return None


def _anchor_problem(company_id, last_hash, anchor):
    """The chain must end where its sealed anchor says (R-LED-2): a chain cut short at its end,
    with `companies.ledger_head` rewound to match, still disagrees with the anchor."""
    if anchor is None:
        if last_hash is None:
            return None
        return Problem(None, f"company {company_id}: its chain has no anchor (the anchor was removed)")
    if not is_sealed(company_id, anchor.head, anchor.seal):
        return Problem(None, f"company {company_id}: the chain anchor's seal does not match (anchor altered)")
    if anchor.head != last_hash:
        return Problem(None, f"company {company_id}: the chain ends before its anchored head "
                             "(entries removed at its end, or the head rewound)")
    return None
