"""Booking, invoicing and activating sales orders, and reading them as of "now"."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, select

from .. import clock
from ..accounts.models import Company
from ..accounts.services import lock_company, require_cleared_country, visible_to
from ..db import transactional
from ..errors import Conflict, N_, NotFound, RuleViolation, Word
from ..extensions import db
from . import store
from .entries import record_entry
from .models import LedgerEntry, SalesOrder

EXPIRY_DAYS = 365  # R-SO-3
AVAILABLE_AFTER_BUSINESS_DAYS = 7  # R-SO-2


@transactional
def book_sales_order(*, so_number, company_id, credits, booked_on, actor_id=None):
    company = db.session.get(Company, company_id)
    if company is None:
        raise RuleViolation("unknown_company", N_("Company %(company_id)s does not exist."),
                            {"company_id": [N_("No such company.")]}, company_id=company_id)
    require_cleared_country(company.country)
    so_number = so_number.strip()
    if db.session.scalar(select(SalesOrder.id).where(SalesOrder.so_number == so_number)):
        raise Conflict("sales_order_exists", N_("Sales order %(so_number)s already exists."), so_number=so_number)
    return store.insert_sales_order({"so_number": so_number, "company_id": company.id, "credits": credits,
                                     "booked_on": booked_on, "status": "booked"})


def _locked_sales_order(so_number):
    sales_order = db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == so_number))
    if sales_order is None:
        raise NotFound("sales_order_not_found", N_("No sales order %(so_number)s."), so_number=so_number)
    company = lock_company(sales_order.company_id)
    db.session.refresh(sales_order)
    return company, sales_order


@transactional
def invoice_sales_order(so_number, *, invoice_date: date):
    _company, sales_order = _locked_sales_order(so_number)
    if sales_order.status != "booked":
        raise Conflict("sales_order_not_booked",
                       N_("%(so_number)s is %(status)s; only a booked sales order can be invoiced."),
                       so_number=so_number, status=Word(sales_order.status, "status"))
    if invoice_date < sales_order.booked_on:
        raise RuleViolation("invoice_before_booking", N_("The invoice date cannot be before the booking date."),
                            {"invoice_date": [N_("On or after %(booked_on)s.")]}, booked_on=sales_order.booked_on)
    store.update_sales_order(sales_order, invoice_date=invoice_date,
                             expires_on=invoice_date + timedelta(days=EXPIRY_DAYS), status="invoiced")
    return sales_order


@transactional
def activate_sales_order(so_number, *, actor_id=None):
    company, sales_order = _locked_sales_order(so_number)
    if sales_order.status != "invoiced":
        raise Conflict("sales_order_not_invoiced",
                       N_("%(so_number)s is %(status)s; only an invoiced sales order can be activated."),
                       so_number=so_number, status=Word(sales_order.status, "status"))
    require_cleared_country(company.country)
    if clock.now() >= clock.expiry_instant(sales_order.expires_on):
        raise RuleViolation("sales_order_expired", N_("%(so_number)s expired on %(expires_on)s; it cannot be activated."),
                            so_number=so_number, expires_on=sales_order.expires_on)
    store.update_sales_order(sales_order, status="active", activated_at=clock.now())
    record_entry(company, sales_order, "activation", sales_order.credits, actor_id=actor_id,
                 note="activated", refs={"so": so_number})
    return sales_order


# --- reading -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SalesOrderView:
    """An SO as a person should see it right now: expiry applies on read even if the
    expire-credits job has not run yet (R-EXP-1)."""

    sales_order: SalesOrder
    status: str
    available: int
    held: int
    days_left: int | None
    expected_available_by: date | None

    def __getattr__(self, name):
        return getattr(self.sales_order, name)

    @property
    def reissue_of(self):
        original = self.sales_order.reissue_of
        return original.so_number if original is not None else None


EXPIRING_SOON_DAYS = 90


def is_expiring_soon(days_left):
    """'Expiring soon', the one definition (the statement's flag, the home page's warnings):
    at most 90 days to an SO's expiry date, and not past it."""
    return days_left is not None and 0 <= days_left <= EXPIRING_SOON_DAYS


def is_past_expiry(sales_order, now=None):
    return _past(sales_order.expires_on, now or clock.now())


def _past(expires_on, now):
    """R-EXP-1, the one place it is decided: from 12:01 a.m. local time on expires_on."""
    return expires_on is not None and now >= clock.expiry_instant(expires_on)


def available_at(status, expires_on, balance, held, now):
    """Hundredths an SO has available at `now`, the one definition: its balance less what is
    held, and nothing once an active SO is past its expiry moment, written down or not
    (R-SO-4, R-EXP-1; held credits survive, R-EXP-3)."""
    if status == "active" and _past(expires_on, now):
        return 0
    return balance - held


def view_of(sales_order, *, now=None, today=None):
    now = now or clock.now()
    today = today or now.astimezone(clock.zone()).date()
    status = sales_order.status
    available = available_at(status, sales_order.expires_on, sales_order.balance, sales_order.held, now)
    if status == "active" and is_past_expiry(sales_order, now):
        status = "expired"
    expected = None
    if sales_order.status in ("booked", "invoiced"):
        expected = clock.add_business_days(sales_order.booked_on, AVAILABLE_AFTER_BUSINESS_DAYS)
    days_left = (sales_order.expires_on - today).days if sales_order.expires_on else None
    return SalesOrderView(sales_order, status, available, sales_order.held, days_left, expected)


def get_sales_order(so_number, *, viewer):
    sales_order = db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == so_number))
    return view_of(visible_to(viewer, sales_order, sales_order and sales_order.company_id,
                              "sales_order_not_found", N_("No sales order %(so_number)s."),
                              so_number=so_number))


def company_sales_orders(company_id, *, now=None):
    now = now or clock.now()
    today = now.astimezone(clock.zone()).date()
    rows = db.session.scalars(
        select(SalesOrder).where(SalesOrder.company_id == company_id)
        .order_by(SalesOrder.expires_on.is_(None), SalesOrder.expires_on, SalesOrder.so_number)
    ).all()
    return [view_of(row, now=now, today=today) for row in rows]


_orders = SalesOrder.__table__.c
AVAILABLE_PARTS = (select(_orders.status, _orders.expires_on, _orders.balance, _orders.held)
                    .where(_orders.company_id == bindparam("company_id")))


def company_available(company_id, *, now=None):
    """company_balance(...)["available"] from four columns, without building the SO views
    (available_at's rule). Every debit notice asks this, so its statement is built once."""
    now = now or clock.now()
    rows = db.session.connection().execute(AVAILABLE_PARTS, {"company_id": company_id})
    return sum(available_at(*row, now) for row in rows)


def company_balance(company):
    views = company_sales_orders(company.id)
    return {
        "company_id": company.id,
        "available": sum(view.available for view in views),
        "held": sum(view.held for view in views),
        "sales_orders": views,
    }


def company_ledger(company_id, *, after_id=None, limit=500):
    query = select(LedgerEntry).where(LedgerEntry.company_id == company_id).order_by(LedgerEntry.id).limit(limit)
    if after_id is not None:
        query = query.where(LedgerEntry.id > after_id)
    return db.session.scalars(query).all()
