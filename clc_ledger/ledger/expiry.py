"""Expiry (R-EXP-1..3): from 12:01 a.m. on expires_on an SO's available credits are expired.

Reads apply it on the fly (sales_orders.view_of); this module writes it down as `expiry`
entries, both in the daily job and whenever a locked SO is touched after its expiry.
"""
from sqlalchemy import select

from .. import clock
from ..accounts.services import lock_company
from ..db import transactional
from ..extensions import db
from ..money import credits_str
from .entries import record_entry
from .models import SalesOrder
from .sales_orders import is_past_expiry


def expire_if_due(company, sales_order, now, *, actor_id=None):
    """Expire what is available on an SO past its expiry; held credits survive (R-EXP-3).

    The caller holds the company lock. Returns the hundredths expired (0 if none)."""
    if sales_order.status not in ("active", "expired") or not is_past_expiry(sales_order, now):
        return 0
    sales_order.status = "expired"
    amount = sales_order.available
    if amount > 0:
        record_entry(company, sales_order, "expiry", -amount, actor_id=actor_id, at=now,
                     description=f"Credits of {sales_order.so_number} expired on {sales_order.expires_on.isoformat()}")
    return amount


def expire_credits(now):
    """The `expire-credits` job: write down every expiry due as of `now`. Idempotent.

    Only SOs whose expiry date has come are read (an index on expires_on), so the work grows
    with what expires, not with how many SOs exist. One transaction per company.
    """
    local_today = now.astimezone(clock.zone()).date()
    due = db.session.execute(
        select(SalesOrder.company_id, SalesOrder.id)
        .where(SalesOrder.status == "active", SalesOrder.expires_on <= local_today)
        .order_by(SalesOrder.company_id, SalesOrder.id)
    ).all()
    db.session.rollback()
    by_company = {}
    for company_id, sales_order_id in due:
        by_company.setdefault(company_id, []).append(sales_order_id)
    expired_orders, expired_credits = 0, 0
    for company_id, sales_order_ids in by_company.items():
        orders, credits = _expire_company(company_id, sales_order_ids, now)
        expired_orders += orders
        expired_credits += credits
    return {"expired_sales_orders": expired_orders, "expired_credits": credits_str(expired_credits)}


@transactional
def _expire_company(company_id, sales_order_ids, now):
    company = lock_company(company_id)
    orders = credits = 0
    for sales_order in db.session.scalars(
            select(SalesOrder).where(SalesOrder.id.in_(sales_order_ids)).execution_options(populate_existing=True)):
        if sales_order.status == "active" and is_past_expiry(sales_order, now):
            orders += 1
            credits += expire_if_due(company, sales_order, now)
    return orders, credits
