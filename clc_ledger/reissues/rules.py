"""When an SO may be reissued (R-RSS-1, R-RSS-3, R-RSS-4). Pure reads: no state changes.

Other features (expiry reminders, R-EXP-4) ask here whether, and until when, a reissue can
still be requested.
"""
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from .models import ReissueRequest

WINDOW_DAYS = 60  # R-RSS-1: from 60 days before to 60 days after expires_on, inclusive
# Statuses that end an SO's chance of (another) reissue: one under review, or one approved.
BLOCKING_STATUSES = ("submitted", "approved")
REQUESTABLE_SO_STATUSES = ("active", "expired")


def has_blocking_request(sales_order_id):
    """True when the SO has a request under review or an approved one (R-RSS-3)."""
    return db.session.scalar(
        select(ReissueRequest.id).where(ReissueRequest.sales_order_id == sales_order_id,
                                        ReissueRequest.status.in_(BLOCKING_STATUSES)).limit(1)
    ) is not None


def blocked_sales_orders(sales_order_ids):
    """The ids among these that have a submitted or approved request: one query for a list."""
    if not sales_order_ids:
        return set()
    return set(db.session.scalars(
        select(ReissueRequest.sales_order_id).where(ReissueRequest.sales_order_id.in_(list(sales_order_ids)),
                                                    ReissueRequest.status.in_(BLOCKING_STATUSES))))


def reissue_window(sales_order, blocked=None) -> tuple[date, date] | None:
    """(first day, last day), both inclusive, during which a reissue may be requested.

    None when the SO can never be (or no longer be) reissued: it is itself a reissue
    (R-RSS-4), it has no expiry date yet, or it already has a submitted or approved request.
    """
    if sales_order.reissue_of_id is not None or sales_order.expires_on is None:
        return None
    if sales_order.id is not None and (
            sales_order.id in blocked if blocked is not None else has_blocking_request(sales_order.id)):
        return None
    return (sales_order.expires_on - timedelta(days=WINDOW_DAYS),
            sales_order.expires_on + timedelta(days=WINDOW_DAYS))


def can_request_reissue(sales_order, today: date, blocked=None) -> bool:
    """Whether a captain may request a reissue of this SO on `today` (program time zone).
    `blocked`: the blocked_sales_orders(...) of a list being shown, to ask once for all.

    Checks the window and that the SO is active or expired (not booked, invoiced or already
    closed). It does not check that there is something left to reissue: the request itself
    refuses an amount of zero (422).
    """
    if sales_order.status not in REQUESTABLE_SO_STATUSES:
        return False
    window = reissue_window(sales_order, blocked)
    return window is not None and window[0] <= today <= window[1]
