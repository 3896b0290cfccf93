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
from collections import defaultdict
from email.utils import parseaddr

from sqlalchemy import and_, bindparam, func, select

from .. import clock
from ..accounts.models import Company, User
from ..db import transactional
from ..errors import N_, NotFound, RuleViolation
from ..extensions import db
from ..ledger.models import LedgerEntry, SalesOrder
from ..ledger.signals import months_stated
from ..notifications import outbox
from .html import statement_email
from .snapshot import (build_snapshot, build_snapshots, first_and_last_day, parse_period, period_bounds, period_of,
                       periods_from, previous_period)
from .models import Statement

log = logging.getLogger(__name__)

RECIPIENT_ROLES = ("observer", "captain")
ISSUED_PERIODS_BATCH = 500  # companies whose issued statements the job reads in one query
# Statements committed together by the job. Each transaction has a fixed cost (check-out,
# the group's reads, the commit); on SQLite it also holds the one write lock, which debits
# wait for, while PostgreSQL locks nothing that a debit needs (bench/RESULTS.md: group sizes).
COMPANIES_PER_TRANSACTION = {"sqlite": 10, "postgresql": 50}


# --- issuing -----------------------------------------------------------------------------

@months_stated.connect
def _months_stated(company_id, **_):
    return set(db.session.scalars(select(Statement.period).where(Statement.company_id == company_id)))


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
    if snapshot.end > now:
        raise RuleViolation("period_not_ended",
                            N_("The period %(period)s has not ended yet; its statement is issued after it ends."),
                            period=period)
    statement = Statement(company_id=company.id, period=period, period_start=snapshot.start,
                          period_end=snapshot.end, opening_balance=snapshot.opening,
                          closing_balance=snapshot.closing, generated_at=now, content=snapshot.content)
    db.session.add(statement)
    return statement


@transactional(retry_on_integrity=True)
def issue_statement(company_id, period, *, now=None, send=True) -> Statement:
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
    its email, COMPANIES_PER_TRANSACTION companies' at a time: a transaction per statement
    costs each its own check-out, commit and reset (bench/RESULTS.md: group sizes)."""
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
        message = statement_email(statement)
        emails.append(outbox.Email(recipients, message["subject"], message["text"], message["html"],
                                   message["attachments"], statement_dedupe_key(company.id, statement.period)))
    return emails
