"""Expiry reminders (R-EXP-4): the `expiry-reminders` job.

A company's active captains hear 90, 60, 30 and 7 days before an active SO expires (days
counted in the program's time zone, R-EXP-2), each threshold once per SO: the outbox's
dedupe key `expiry-reminder:<so id>:<threshold>` makes a second run, or a second scheduler,
enqueue nothing new.

Late runs: only the most recent threshold passed is sent. If the job was down from 95 to
25 days before expiry, the next run sends the 30-day reminder alone, not three reminders at
once; thresholds never go back up, so an older one is never sent after a newer one. An SO
with nothing available (all spent or held) gets no reminder: nothing of it can expire.
"""
import logging
from datetime import timedelta

from sqlalchemy import select

from .. import clock
from ..accounts.models import Company, User
from ..db import transactional
from ..extensions import db
from ..ledger.models import SalesOrder
from ..ledger.sales_orders import is_past_expiry
from ..money import credits_str
from ..reissues.rules import reissue_window
from . import outbox
from .models import OutboxMessage

log = logging.getLogger(__name__)

THRESHOLDS = (90, 60, 30, 7)  # days before expires_on, R-EXP-4


def threshold_for(days_left):
    """The most recent threshold passed with `days_left` days to go, or None (> 90 or expired)."""
    if days_left is None or days_left < 1:
        return None
    passed = [threshold for threshold in THRESHOLDS if days_left <= threshold]
    return min(passed) if passed else None


def dedupe_key(sales_order_id, threshold):
    return f"expiry-reminder:{sales_order_id}:{threshold}"


def send_expiry_reminders(now=None):
    """Enqueue every reminder due as of `now`. Idempotent. Returns counts."""
    now = now or clock.now()
    today = now.astimezone(clock.zone()).date()
    candidates = db.session.execute(
        select(SalesOrder.id, SalesOrder.expires_on)
        .where(SalesOrder.status == "active", SalesOrder.expires_on > today,
               SalesOrder.expires_on <= today + timedelta(days=max(THRESHOLDS)))
        .order_by(SalesOrder.expires_on, SalesOrder.id)
    ).all()
    db.session.rollback()
    enqueued, failed = 0, []
    for sales_order_id, expires_on in candidates:
        threshold = threshold_for((expires_on - today).days)
        if threshold is None:
            continue
        try:
            if _remind(sales_order_id, threshold, now, today):
                enqueued += 1
        except Exception:  # R-JOB-2: the others go on; this one is tried again next run
            log.exception("Expiry reminder for sales order %s could not be enqueued", sales_order_id)
            failed.append({"sales_order_id": sales_order_id, "threshold": threshold})
    outcome = {"sales_orders_checked": len(candidates), "reminders_enqueued": enqueued}
    if failed:
        outcome["failed"] = failed
    return outcome


@transactional
def _remind(sales_order_id, threshold, now, today):
    key = dedupe_key(sales_order_id, threshold)
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return False
    sales_order = db.session.get(SalesOrder, sales_order_id, populate_existing=True)
    if sales_order.status != "active" or is_past_expiry(sales_order, now) or sales_order.available <= 0:
        return False
    company = db.session.get(Company, sales_order.company_id)
    captains = db.session.scalars(
        select(User.email).where(User.company_id == company.id, User.role == "captain", User.active)
        .order_by(User.id)
    ).all()
    if not captains:
        log.warning("No active captain to remind of %s expiring", sales_order.so_number)
        return False
    days_left = (sales_order.expires_on - today).days
    window = reissue_window(sales_order)
    if window is None:
        reissue = "never"
    elif today < window[0]:
        reissue = "later"
    elif today <= window[1]:
        reissue = "now"
    else:
        reissue = "never"
    queued = outbox.enqueue_notice(
        "expiry_reminder", company.locale, to=captains, dedupe_key=key,
        company={"name": company.name}, sales_order={"so_number": sales_order.so_number},
        available=sales_order.available, days_left=days_left, threshold=threshold,
        expires_on=sales_order.expires_on, reissue=reissue,
        reissue_from=window[0] if window else None, reissue_until=window[1] if window else None,
    )
    log.info("Expiry reminder (%s days) for %s: %s available, to %s",
             threshold, sales_order.so_number, credits_str(sales_order.available), ", ".join(captains))
    return queued
