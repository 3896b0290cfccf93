"""Expiry (R-EXP-1..3): from 12:01 a.m. on expires_on an SO's available credits are expired.

Reads apply it on the fly (sales_orders.view_of); this module writes it down as `expiry`
entries, both in the daily job and whenever a locked SO is touched after its expiry.
"""
from ..accounts.services import lock_company
from ..extensions import db
from .entries import record_entry
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
