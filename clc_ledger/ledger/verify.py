"""verify-ledger (R-LED-1, R-LED-2): rebuild every balance from the entries alone and walk each
company's hash chain. Streams the entries, so it runs in constant memory at any size.

A registry of checks, as beancount's ops/validation.py: the entries are read once (`Ledger`),
then each check in CHECKS reports every problem it finds, not only the first.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from ..accounts.models import Company
from ..extensions import db
from .anchors import LedgerAnchor, is_sealed
from .models import BALANCE_KINDS, LedgerEntry, SalesOrder


@dataclass
class Problem:
    entry_id: int | None
    message: str


@dataclass
class Ledger:
    """What the checks look at: the entries' problems found while streaming them, each
    company's last hash, and the balances and holds they add up to per SO."""
    company_id: int | None
    entry_problems: list = field(default_factory=list)
    last_hash: dict = field(default_factory=dict)
    balance: dict = field(default_factory=lambda: defaultdict(int))
    held: dict = field(default_factory=lambda: defaultdict(int))

    def only_company(self, query, column):
        return query if self.company_id is None else query.where(column == self.company_id)


def _read(batch, company_id):
    ledger = Ledger(company_id)
    query = ledger.only_company(select(LedgerEntry).order_by(LedgerEntry.id).execution_options(yield_per=batch),
                                LedgerEntry.company_id)
    for entry in db.session.scalars(query):
        if entry.prev_hash != ledger.last_hash.get(entry.company_id):
            ledger.entry_problems.append(Problem(entry.id, f"entry {entry.id} does not follow the previous entry of "
                                                           f"company {entry.company_id} (broken chain)"))
        if entry.compute_hash() != entry.hash:
            ledger.entry_problems.append(Problem(entry.id, f"entry {entry.id} was altered: its content does not "
                                                           "match its hash"))
        ledger.last_hash[entry.company_id] = entry.hash
        if entry.kind in BALANCE_KINDS:
            ledger.balance[entry.sales_order_id] += entry.amount
        else:
            ledger.held[entry.sales_order_id] -= entry.amount
        db.session.expunge(entry)
    return ledger


def check_chains(ledger):
    """Each entry follows the previous one of its company and matches its own hash."""
    return ledger.entry_problems


def check_heads(ledger):
    """Each company's recorded head is its newest entry."""
    heads = db.session.execute(ledger.only_company(select(Company.id, Company.ledger_head), Company.id))
    return [Problem(None, f"company {company_id}: the newest entry is not the recorded head of its chain "
                          "(entries removed or added out of band)")
            for company_id, head in heads if head != ledger.last_hash.get(company_id)]


def check_anchors(ledger):
    """The chain ends where its sealed anchor says: a chain cut short at its end, with
    `companies.ledger_head` rewound to match, still disagrees with the anchor."""
    anchors = {row.company_id: row for row in db.session.execute(ledger.only_company(
        select(LedgerAnchor.company_id, LedgerAnchor.head, LedgerAnchor.seal), LedgerAnchor.company_id))}
    companies = db.session.scalars(ledger.only_company(select(Company.id).order_by(Company.id), Company.id))
    problems = []
    for company_id in companies:
        problem = _anchor_problem(company_id, ledger.last_hash.get(company_id), anchors.get(company_id))
        if problem is not None:
            problems.append(problem)
    return problems


def _anchor_problem(company_id, last_hash, anchor):
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


def check_balances(ledger):
    """Each SO's stored balance and held equal what its entries add up to (R-LED-1)."""
    orders = db.session.execute(ledger.only_company(
        select(SalesOrder.id, SalesOrder.so_number, SalesOrder.balance, SalesOrder.held).order_by(SalesOrder.id),
        SalesOrder.company_id))
    return [Problem(None, f"{so_number}: stored balance {stored_balance} / held {stored_held} but the entries "
                          f"give {ledger.balance[so_id]} / {ledger.held[so_id]} (hundredths of a CLC)")
            for so_id, so_number, stored_balance, stored_held in orders
            if stored_balance != ledger.balance[so_id] or stored_held != ledger.held[so_id]]


CHECKS = [check_chains, check_heads, check_anchors, check_balances]


def ledger_problems(batch=5000, company_id=None):
    """Every problem every check finds, in the order of CHECKS; [] when all is well."""
    ledger = _read(batch, company_id)
    return [problem for check in CHECKS for problem in check(ledger)]


def verify_ledger(batch=5000, company_id=None):
    """The first problem found, or None when every chain and balance checks out."""
    problems = ledger_problems(batch, company_id)
    return problems[0] if problems else None
