"""What a statement states (R-STM-1), computed from the ledger entries alone: the periods
(calendar months in the program's time zone) and the snapshot of one company's month. See
statements.services for the rules of what is stated."""
import re
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, func, select

from .. import clock
from ..extensions import db
from ..ledger.models import BALANCE_KINDS, HOLD_KINDS, LedgerEntry, SalesOrder
from ..ledger.sales_orders import is_expiring_soon

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


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
    first_day, last_day = first_and_last_day(period)
    for key, provider in SECTIONS:
        for company_id, section in provider(list(snapshots), first_day, last_day).items():
            snapshots[company_id].content[key] = section
    return snapshots


# Sections other features add to a statement (learning's R-TEAM-2 section): (key in the
# content, provider(company ids, first local day, last local day) -> {company id: section}).
# A feature registers itself; statements import nothing of it.
SECTIONS = []


def add_section(key, provider):
    SECTIONS.append((key, provider))


class Snapshot(NamedTuple):
    """What a statement states (`content`, plain JSON) and the numbers stored beside it:
    opening and closing balances (hundredths), the month as UTC instants [start, end)."""
    content: dict
    opening: int
    closing: int
    start: datetime
    end: datetime


def _sums(sums):
    """(opening, {so id: balance at the end}, {so id: holds at the end}, {so ids reissued out})."""
    opening, balances, holds, reissued_out = 0, {}, {}, set()
    for _company_id, sales_order_id, before_month, balance, held, moved_out in sums:
        opening += int(before_month)
        balances[sales_order_id], holds[sales_order_id] = int(balance), int(held)
        if moved_out:
            reissued_out.add(sales_order_id)
    return opening, balances, holds, reissued_out


def _month_lines(month_entries, opening, zone):
    """(balance-moving entries with their running balance, reservations, closing balance)."""
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
    return entries, reservations, running


def _sales_order_line(sales_order, balance, held, status, last_day):
    available = balance - held if status == "active" else 0
    days_left = (sales_order.expires_on - last_day).days if sales_order.expires_on else None
    return {
        "so_number": sales_order.so_number,
        "status": status,
        "balance": balance,
        "held": held,
        "available": available,
        "expires_on": sales_order.expires_on.isoformat() if sales_order.expires_on else None,
        "days_left": days_left,
        "expiring_soon": status == "active" and available > 0 and is_expiring_soon(days_left),
    }


def _snapshot(company, period, month_entries, sums, sales_orders):
    start, end = period_bounds(period)
    first_day, last_day = first_and_last_day(period)
    zone = clock.zone()
    opening, balances, holds, reissued_out = _sums(sums)
    entries, reservations, closing = _month_lines(month_entries, opening, zone)
    so_lines = [_sales_order_line(sales_order, balances.get(sales_order.id, 0), -holds.get(sales_order.id, 0),
                                  _sales_order_status_at(sales_order, end, last_day, sales_order.id in reissued_out),
                                  last_day)
                for sales_order in sales_orders]
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
    return Snapshot(content, opening, closing, start, end)
