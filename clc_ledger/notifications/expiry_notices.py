"""Captains hear when credits expire (R-EXP-1): how much, on which SO, the moment it took
effect, and whether a one-time reissue can still be requested and until when (R-RSS-1, the
window that stays open 60 days after expiry). Queued in the transaction that wrote the
expiry (R-NOT-2); once per expiry entry, however often the sweep runs.
"""
from .. import clock
from ..ledger.signals import credits_expired
from ..reissues.rules import reissue_window
from . import outbox
from .case_notices import captains


@credits_expired.connect
def _on_credits_expired(sales_order, *, company, amount, effective_at, **_):
    window = reissue_window(sales_order)
    open_now = window is not None and window[0] <= clock.local_day(clock.now()) <= window[1]
    outbox.enqueue_notice(
        "credits_expired", company.locale, to=captains(company.id),
        dedupe_key=f"credits_expired:{sales_order.id}:{effective_at.isoformat()}",
        company={"name": company.name}, sales_order={"so_number": sales_order.so_number},
        expired=amount, effective_at=effective_at,
        reissue="now" if open_now else "never", reissue_until=window[1] if open_now else None)
