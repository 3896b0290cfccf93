"""Monthly statements (R-STM-1, R-STM-2): built from the ledger alone, stored once per company
and calendar month, and emailed (through the outbox, in the same transaction) when issued.

What a statement states
- The month is the calendar month in the program's time zone (CLC_TIMEZONE): entries with
  local midnight on the 1st <= `effective_at` < local midnight on the next 1st (R-LED-3:
  an expiry written days late still falls in the month it happened), in effective order.
- A month is issued only once every expiry due in it is recorded (R-STM-2): a company with
  an active SO whose expiry minute lies in the month waits (the run is `partial`).
- Balance is R-SO-4's: only BALANCE_KINDS move it. Opening = the sum of the company's
  balance-moving entries before the month; every balance-moving entry of the month follows
  with its running balance; closing = opening + those entries. So each month's opening is
  the previous month's closing, and the CSV's amount column sums to closing - opening.
- Holds and releases only move what is reserved for pending debits; they are not part of the
  balance and are not listed among the movements. They are kept as informational
  "reservations" (JSON, HTML, PDF), and each SO shows what was still held at the period end.
- Each SO that existed by the period end, with its status, balance, held and available
  credits, expiry date and days left, all as of the period end (days left counted from the
  month's last day, R-EXP-2). Credits available on an active SO expiring within 90 days of
  the period end are flagged "expiring soon".

Exactly once: the (company_id, period) unique constraint decides races; the loser's
transaction is rolled back and retried (the job's, of a group of companies, one statement
at a time), finds the winner's statement and returns it. The email is enqueued in the
transaction that stores the statement, so one statement means one email, whoever issues it.
"""
import logging
import re
from collections import defaultdict
from email.utils import parseaddr
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, case, func, select

from .. import clock
from ..accounts.models import Company, User
from ..db import transactional
from ..errors import N_, NotFound, RuleViolation
from ..extensions import db
from ..ledger.models import BALANCE_KINDS, HOLD_KINDS, LedgerEntry, SalesOrder
from ..notifications import outbox
from . import render
from .models import Statement

log = logging.getLogger(__name__)

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
EXPIRING_SOON_DAYS = 90
RECIPIENT_ROLES = ("observer", "captain")
ISSUED_PERIODS_BATCH = 500  # companies whose issued statements the job reads in one query
# Statements committed together by the job. Each transaction has a fixed cost (check-out,
# the group's reads, the commit); on SQLite it also holds the one write lock (~50 ms for 10),
# which debits wait for, while PostgreSQL locks nothing that a debit needs.
COMPANIES_PER_TRANSACTION = {"sqlite": 10, "postgresql": 50}


# --- periods ---------------------------------------------------------------------------

def parse_period(period):
    """(year, month) from 'YYYY-MM', or ValueError."""
    match = PERIOD_PATTERN.match(period or "")
    if not match:
        raise ValueError(f"{period!r} is not a period of the form YYYY-MM.")
    return int(match.group(1)), int(match.group(2))


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_and_last_day(period):
    year, month = parse_period(period)
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, following - timedelta(days=1)


def period_bounds(period):
    """The month as UTC instants [start, end) of local midnights in the program time zone."""
    first, last = first_and_last_day(period)
    zone = clock.zone()
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def previous_period(now):
    """The calendar month before the one that `now` falls in (program time zone)."""
    local_day = now.astimezone(clock.zone()).date()
    return period_of(local_day.replace(day=1) - timedelta(days=1))


def periods_from(first, last):
    """Every period from `first` to `last`, inclusive, in order."""
    year, month = parse_period(first)
    while (period := f"{year:04d}-{month:02d}") <= last:
        yield period
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# --- the snapshot ----------------------------------------------------------------------

# The snapshot's three queries, for many companies at once (the job asks for ten at a time),
# built once: SQLAlchemy then neither rebuilds nor re-keys them for each of thousands of
# statements, which was about half of what each query cost.
_COMPANIES = bindparam("company_ids", expanding=True)
_MONTH_ENTRIES = (
    select(LedgerEntry.company_id, LedgerEntry.id, LedgerEntry.effective_at.label("at"), LedgerEntry.kind,
           SalesOrder.so_number, LedgerEntry.description, LedgerEntry.debit_id, LedgerEntry.amount,
           LedgerEntry.deferred_from, LedgerEntry.note, LedgerEntry.refs)
    .join(SalesOrder, SalesOrder.id == LedgerEntry.sales_order_id)
    .where(LedgerEntry.company_id.in_(_COMPANIES), LedgerEntry.effective_at >= bindparam("start"),
           LedgerEntry.effective_at < bindparam("end"))
    .order_by(LedgerEntry.company_id, LedgerEntry.effective_at, LedgerEntry.id))
_MOVES_BALANCE = LedgerEntry.kind.in_(sorted(BALANCE_KINDS))
# Per SO, up to the period end: what moved its balance before the month (the opening), its
# balance and what it held at the end, and whether it was reissued out.
_SUMS_BY_SALES_ORDER = (
    select(LedgerEntry.company_id, LedgerEntry.sales_order_id,
           func.sum(case((and_(_MOVES_BALANCE, LedgerEntry.effective_at < bindparam("start")), LedgerEntry.amount),
                         else_=0)),
           func.sum(case((_MOVES_BALANCE, LedgerEntry.amount), else_=0)),
           func.sum(case((LedgerEntry.kind.in_(sorted(HOLD_KINDS)), LedgerEntry.amount), else_=0)),
           func.max(case((LedgerEntry.kind == "reissue_out", 1), else_=0)))
    .where(LedgerEntry.company_id.in_(_COMPANIES), LedgerEntry.effective_at < bindparam("end"))
    .group_by(LedgerEntry.company_id, LedgerEntry.sales_order_id))
_SALES_ORDERS = (
    select(SalesOrder.company_id, SalesOrder.id, SalesOrder.so_number, SalesOrder.activated_at,
           SalesOrder.invoice_date, SalesOrder.expires_on)
    .where(SalesOrder.company_id.in_(_COMPANIES), SalesOrder.created_at < bindparam("end"))
    .order_by(SalesOrder.company_id, SalesOrder.expires_on.is_(None), SalesOrder.expires_on, SalesOrder.so_number))


def _sales_order_status_at(sales_order, end, last_day, reissued_out):
    if sales_order.activated_at is None or sales_order.activated_at >= end:
        return "invoiced" if sales_order.invoice_date and sales_order.invoice_date <= last_day else "booked"
    if reissued_out:
        return "closed"
    if sales_order.expires_on is not None and clock.expiry_instant(sales_order.expires_on) < end:
        return "expired"
    return "active"


def build_snapshot(company, period):
    """Everything a statement states, computed from the ledger entries alone."""
    return build_snapshots([company], period)[company.id]


def build_snapshots(companies, period):
    """{company_id: build_snapshot(company, period)} for these companies, in three queries."""
    start, end = period_bounds(period)
    window = {"company_ids": [company.id for company in companies], "start": start, "end": end}
    entries, sums, sales_orders = defaultdict(list), defaultdict(list), defaultdict(list)
    for rows, query in ((entries, _MONTH_ENTRIES), (sums, _SUMS_BY_SALES_ORDER), (sales_orders, _SALES_ORDERS)):
        for row in db.session.execute(query, window):
            rows[row.company_id].append(row)
    snapshots = {company.id: _snapshot(company, period, entries[company.id], sums[company.id],
                                       sales_orders[company.id]) for company in companies}
    from ..learning.statement_section import sections  # R-TEAM-2, only where there is something to state

    for company_id, section in sections(list(snapshots), *first_and_last_day(period)).items():
        snapshots[company_id][0]["learning"] = section
    return snapshots


def _snapshot(company, period, month_entries, sums, sales_orders):
    start, end = period_bounds(period)
    first_day, last_day = first_and_last_day(period)
    zone = clock.zone()
    opening, balances, holds, reissued_out = 0, {}, {}, set()
    for _company_id, sales_order_id, before_month, balance, held, moved_out in sums:
        opening += int(before_month)
        balances[sales_order_id], holds[sales_order_id] = int(balance), int(held)
        if moved_out:
            reissued_out.add(sales_order_id)

    running = opening
    entries, reservations = [], []
    for entry in month_entries:
        line = {
            "id": entry.id,
            "at": entry.at.isoformat(),
            "date": entry.at.astimezone(zone).date().isoformat(),
            "kind": entry.kind,
            "so_number": entry.so_number,
            "description": entry.description,
            "note": entry.note,  # worded when shown, with refs (ledger/notes.py)
            "refs": entry.refs,
            "debit_id": entry.debit_id,
            "amount": int(entry.amount),
        }
        if entry.deferred_from:
            line["deferred_from"] = entry.deferred_from
        if entry.kind in BALANCE_KINDS:
            running += int(entry.amount)
            line["running_balance"] = running
            entries.append(line)
        elif entry.kind in HOLD_KINDS:
            reservations.append(line)
    closing = running

    so_lines = []
    for sales_order in sales_orders:
        balance = balances.get(sales_order.id, 0)
        held = -holds.get(sales_order.id, 0)
        status = _sales_order_status_at(sales_order, end, last_day, sales_order.id in reissued_out)
        available = balance - held if status == "active" else 0
        days_left = (sales_order.expires_on - last_day).days if sales_order.expires_on else None
        expiring_soon = (status == "active" and available > 0 and days_left is not None
                         and days_left <= EXPIRING_SOON_DAYS)
        so_lines.append({
            "so_number": sales_order.so_number,
            "status": status,
            "balance": balance,
            "held": held,
            "available": available,
            "expires_on": sales_order.expires_on.isoformat() if sales_order.expires_on else None,
            "days_left": days_left,
            "expiring_soon": expiring_soon,
        })

    content = {
        "company": {"id": company.id, "name": company.name, "locale": company.locale},
        "period": period,
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "time_zone": str(zone.key),
        "opening_balance": opening,
        "closing_balance": closing,
        "entries": entries,
        "reservations": reservations,
        "sales_orders": so_lines,
        "expiring_soon": sum(line["available"] for line in so_lines if line["expiring_soon"]),
    }
    return content, opening, closing, start, end


# --- issuing -----------------------------------------------------------------------------

def _existing(company_id, period):
    return db.session.scalar(select(Statement).where(Statement.company_id == company_id,
                                                     Statement.period == period))


# The company, and its statement of the period if there is one, in one round trip.
_COMPANY_AND_STATEMENT = (
    select(Company, Statement).where(Company.id == bindparam("company_id"))
    .outerjoin(Statement, and_(Statement.company_id == Company.id, Statement.period == bindparam("period"))))


def _issue(company_id, period, *, now, send):
    """(statement, created): the stored statement, issuing it (and its email) if absent.

    Runs inside the caller's transaction."""
    try:
        parse_period(period)
    except ValueError:
        raise RuleViolation("bad_period", N_("%(period)s is not a period of the form YYYY-MM."),
                            {"period": [N_("Use YYYY-MM.")]}, period=period) from None
    company, existing = db.session.execute(
        _COMPANY_AND_STATEMENT, {"company_id": company_id, "period": period}).first() or (None, None)
    if company is None:
        raise NotFound("company_not_found", N_("No such company."))
    if existing is not None:
        return existing, False
    statement = _store(company, period, build_snapshot(company, period), now=now)
    if send:
        outbox.enqueue_emails(_statement_emails([(company, statement, statement_recipients(company))]))
    db.session.flush()  # the unique (company_id, period) decides a race here, not at the commit
    return statement, True


def _store(company, period, snapshot, *, now):
    """Add the statement of this snapshot. The unique (company_id, period) refuses a second
    one when it is flushed."""
    content, opening, closing, start, end = snapshot
    if end > now:
        raise RuleViolation("period_not_ended",
                            N_("The period %(period)s has not ended yet; its statement is issued after it ends."),
                            period=period)
    statement = Statement(company_id=company.id, period=period, period_start=start, period_end=end,
                          opening_balance=opening, closing_balance=closing, generated_at=now, content=content)
    db.session.add(statement)
    return statement


@transactional(retry_on_integrity=True)
def generate_statement(company_id, period, *, now=None, send=True) -> Statement:
    """The statement of `company_id` for `period` ('YYYY-MM'), issued (stored and emailed) if
    it was not yet; exactly one per company-month, even when two processes race (R-STM-2)."""
    statement, _created = _issue(company_id, period, now=now or clock.now(), send=send)
    return statement


@transactional(retry_on_integrity=True)
def _issue_once(company_id, period, now):
    return _issue(company_id, period, now=now, send=True)


@transactional
def _issue_together(due, now):
    """Issue the statements `due` ([(company_id, [period, ...])], found missing a moment ago)
    in one transaction, reading what they state for all of them at once: their companies,
    recipients and snapshots (a month's at a time), and inserting the statements together at
    the commit. If one fails, or another run has issued one meanwhile, none is kept (the
    caller goes on one by one)."""
    ids = [company_id for company_id, _periods in due]
    companies = {company.id: company for company in db.session.scalars(select(Company).where(Company.id.in_(ids)))}
    users = defaultdict(list)
    for company_id, email in db.session.execute(_RECIPIENT_USERS_OF_MANY, {"company_ids": ids}):
        users[company_id].append(email)
    by_period = defaultdict(list)
    for company_id, periods in due:
        for period in periods:
            by_period[period].append(companies[company_id])
    snapshots = {(company_id, period): snapshot for period, those in by_period.items()
                 for company_id, snapshot in build_snapshots(those, period).items()}
    issued, stored = [], []
    with db.session.no_autoflush:  # the statements go in as one INSERT at the commit
        for company_id, periods in due:
            company = companies[company_id]
            recipients = _statement_recipients(company, users[company_id])
            for period in periods:
                stored.append((company, _store(company, period, snapshots[company_id, period], now=now), recipients))
                issued.append({"company_id": company_id, "period": period})
    outbox.enqueue_emails(_statement_emails(stored))
    return issued


def _due(last):
    """[(company_id, [period, ...])]: each company's months without a statement, from the
    month of its first ledger entry to `last`, in order."""
    zone = clock.zone()
    firsts = db.session.execute(
        select(LedgerEntry.company_id, func.min(LedgerEntry.effective_at)).group_by(LedgerEntry.company_id)
        .order_by(LedgerEntry.company_id)).all()
    due = []
    for offset in range(0, len(firsts), ISSUED_PERIODS_BATCH):
        part = firsts[offset:offset + ISSUED_PERIODS_BATCH]
        issued = {}
        for company_id, period in db.session.execute(
                select(Statement.company_id, Statement.period)
                .where(Statement.company_id.in_([company_id for company_id, _first in part]))):
            issued.setdefault(company_id, set()).add(period)
        for company_id, first_at in part:
            first = period_of(first_at.astimezone(zone).date())
            periods = [period for period in periods_from(first, last) if period not in issued.get(company_id, ())]
            if periods:
                due.append((company_id, periods))
    return due


def _hold_back_unexpired(due, last):
    """(ready, waiting): R-STM-2, a month is issued only once every expiry due in it is
    recorded. A company with an active SO whose expiry minute falls before a month's end
    keeps that month and the later ones back until the expiry is written down."""
    _first, last_day = first_and_last_day(last)
    pending = dict(db.session.execute(
        select(SalesOrder.company_id, func.min(SalesOrder.expires_on))
        .where(SalesOrder.status == "active", SalesOrder.expires_on <= last_day)
        .group_by(SalesOrder.company_id)).all())
    ready, waiting = [], []
    for company_id, periods in due:
        expires_on = pending.get(company_id)
        if expires_on is None:
            ready.append((company_id, periods))
            continue
        due_at = clock.expiry_instant(expires_on)
        issuable = [period for period in periods if period_bounds(period)[1] <= due_at]
        waiting += [{"company_id": company_id, "period": period, "reason": "expiry_not_recorded",
                     "expires_on": expires_on.isoformat()} for period in periods[len(issuable):]]
        if issuable:
            ready.append((company_id, issuable))
    return ready, waiting


def run_monthly_statements(now):
    """The `monthly-statements` job: for each company, the month before `now` (program time
    zone) and any earlier month since its first ledger entry that has no statement yet (a
    month missed while the scheduler was down is caught up). Each statement is committed with
    its email, COMPANIES_PER_TRANSACTION companies' at a time: a transaction of its own cost
    each statement ~1 ms on PostgreSQL (pool check-out and ping, commit, reset), and ten
    together still ~2 ms of reads and commit per statement more than fifty."""
    last = previous_period(now)
    db.session.rollback()
    due, waiting = _hold_back_unexpired(_due(last), last)
    issued, failed = [], []
    group = COMPANIES_PER_TRANSACTION[db.session.get_bind().dialect.name]
    for offset in range(0, len(due), group):
        part = due[offset:offset + group]
        try:
            issued += _issue_together(part, now)
            continue
        except Exception:
            log.info("Statements issued one by one for companies %s", [company_id for company_id, _ in part],
                     exc_info=True)
        for company_id, periods in part:
            for period in periods:
                try:
                    _statement, created = _issue_once(company_id, period, now)
                except Exception:
                    # One company's failure must not keep the others from their statements; its
                    # later months wait too, so that its statements stay in order. The next run retries.
                    log.exception("Statement %s of company %s could not be issued", period, company_id)
                    failed.append({"company_id": company_id, "period": period})
                    break
                if created:
                    issued.append({"company_id": company_id, "period": period})
    db.session.rollback()
    return {"period": last, "issued": len(issued), "statements": issued, "failed": failed + waiting}


# --- reading -----------------------------------------------------------------------------

def list_statements(company):
    return db.session.scalars(select(Statement).where(Statement.company_id == company.id)
                              .order_by(Statement.period.desc())).all()


def get_statement(company, period):
    try:
        parse_period(period)
    except ValueError:
        raise NotFound("statement_not_found", N_("No statement for %(period)s."), period=period) from None
    statement = _existing(company.id, period)
    if statement is None:
        raise NotFound("statement_not_found", N_("No statement for %(period)s."), period=period)
    return statement


# --- email -------------------------------------------------------------------------------

_RECIPIENT_USERS_OF_MANY = (select(User.company_id, User.email)
                            .where(User.company_id.in_(bindparam("company_ids", expanding=True)),
                                   User.active.is_(True), User.role.in_(RECIPIENT_ROLES))
                            .order_by(User.id))


def statement_recipients(company):
    """The company's statement recipients, then its active observers and captains; each
    address once (compared without case), in that order."""
    users = db.session.execute(_RECIPIENT_USERS_OF_MANY, {"company_ids": [company.id]})
    return _statement_recipients(company, [email for _company_id, email in users])


def _statement_recipients(company, user_emails):
    seen, recipients = set(), []
    for address in [*(company.statement_recipients or []), *user_emails]:
        address = (address or "").strip()
        if address and "@" not in parseaddr(address)[1]:
            log.warning("Company %s: %r is not an email address; no statement sent to it.", company.id, address)
            continue
        if address and address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(address)
    return recipients


def statement_dedupe_key(company_id, period):
    return f"statement:{company_id}:{period}"


def _statement_emails(stored):
    """The emails of statements [(company, statement, recipients)], rendered; a statement
    with nobody to send to is stored and not emailed."""
    emails = []
    for company, statement, recipients in stored:
        if not recipients:
            log.warning("Statement %s of company %s has no recipients; stored, not emailed.",
                        statement.period, company.id)
            continue
        message = render.statement_email(statement)
        emails.append(outbox.Email(recipients, message["subject"], message["text"], message["html"],
                                   message["attachments"], statement_dedupe_key(company.id, statement.period)))
    return emails
