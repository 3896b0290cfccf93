"""Pending debits do not wait forever (R-DEB-7): the `age-pending-debits` job reminds the
captains once at 30 days and cancels the request at 45, releasing its hold."""
from datetime import timedelta

from sqlalchemy import select

from ..accounts.services import lock_company
from ..db import transactional
from ..extensions import db
from .debits import _notify, release_hold, resolve_pending
from .models import Debit

REMIND_AFTER = timedelta(days=30)
CANCEL_AFTER = timedelta(days=45)
AUTO_CANCEL_REASON = "Cancelled automatically: no captain decided within 45 days."


def age_pending_debits(now):
    """Idempotent: a debit is reminded once and cancelled once, however often this runs."""
    due = db.session.scalars(
        select(Debit.id).where(Debit.status == "pending", Debit.requested_at <= now - REMIND_AFTER)
        .order_by(Debit.id)
    ).all()
    db.session.rollback()
    outcome = {"reminded": 0, "cancelled": 0}
    for debit_id in due:
        done = _age(debit_id, now)
        if done:
            outcome[done] += 1
    return outcome


@transactional
def _age(debit_id, now):
    debit = db.session.get(Debit, debit_id)
    company = lock_company(debit.company_id)
    db.session.refresh(debit)
    if debit.status != "pending":
        return None
    if now - debit.requested_at >= CANCEL_AFTER:
        if not resolve_pending(debit, to_status="cancelled", decided_by_id=None, reason=AUTO_CANCEL_REASON, now=now):
            return None
        release_hold(company, debit, actor_id=None, now=now, note="debit_auto_cancelled")
        _notify("debit_auto_cancelled", debit)
        return "cancelled"
    if debit.reminded_at is None:
        debit.reminded_at = now
        _notify("debit_pending_reminder", debit)
        return "reminded"
    return None
