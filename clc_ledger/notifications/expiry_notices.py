"""Captains hear when credits expire (R-EXP-1): how much, on which SO, the moment it took
effect, and whether a one-time reissue can still be requested and until when (R-RSS-1, the
window that stays open 60 days after expiry). Queued in the transaction that wrote the
expiry (R-NOT-2); once per expiry entry, however often the sweep runs.
"""
from .. import clock
from ..ledger.signals import credits_expired
from ..reissues.rules import blocked_sales_orders, reissue_window
from . import outbox
from .case_notices import captains


@credits_expired.connect
def _on_credits_expired(company, *, expired, now, **_):
    """One notice per expired SO; the captains and the reissue requests read once."""
    to = captains(company.id)
    blocked = blocked_sales_orders([sales_order.id for sales_order, _amount, _at in expired])
    today = clock.local_day(now)
    notices = []
    for sales_order, amount, effective_at in expired:
        # Its status is `expired`, just written: only the window decides (not
        # reissues.rules.can_request_reissue, whose status check would read the row again).
        window = reissue_window(sales_order, blocked)
        open_now = window is not None and window[0] <= today <= window[1]
        notices.append(outbox.Notice(
            "credits_expired", company.locale, to, f"credits_expired:{sales_order.id}:{effective_at.isoformat()}",
            {"company": {"name": company.name}, "sales_order": {"so_number": sales_order.so_number},
             "expired": amount, "effective_at": effective_at,
             "reissue": "now" if open_now else "never", "reissue_until": window[1] if open_now else None}))
    outbox.enqueue_notices(notices)
