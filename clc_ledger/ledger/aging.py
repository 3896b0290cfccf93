"""Pending debits do not wait forever (R-DEB-7): the `age-pending-debits` job reminds the
captains once at 30 days and cancels the request at 45, releasing its hold.

Days are calendar days in the program's time zone: a debit requested on local date D is
reminded on D+30 and cancelled on D+45, at the job's first run on that date, whatever
daylight-saving change lies between (never 30 x 24 hours, which a spring change makes an
hour late and an autumn one an hour early).
"""
import logging
from datetime import timedelta

from sqlalchemy import bindparam, select

from .. import clock
from ..accounts.services import lock_company
from ..db import transactional
from ..extensions import db
from . import store
from .debits import locked_debit, release_hold
from .models import Debit
from .signals import debit_notice

log = logging.getLogger(__name__)

REMIND_AFTER_DAYS = 30
CANCEL_AFTER_DAYS = 45
AUTO_CANCEL_REASON = "Cancelled automatically: no captain decided within 45 days."


def age_pending_debits(now):
    """Idempotent: a debit is reminded once and cancelled once, however often this runs.
    `now` is an aware instant; its local date is "today"."""
    today = clock.local_day(now)
    # Requested before the start of local day today-29 <=> requested on or before today-30.
    remind_before = clock.day_start(today - timedelta(days=REMIND_AFTER_DAYS - 1))
    due = db.session.scalars(
        select(Debit.id).where(Debit.status == "pending", Debit.requested_at < remind_before)
        .order_by(Debit.id)
    ).all()
    db.session.rollback()
    outcome, failed = {"reminded": 0, "cancelled": 0}, []
    for debit_id in due:
        try:
            done = _age(debit_id, now)
        except Exception:  # R-JOB-2: the others go on; this one is aged again next run
            log.exception("Pending debit %s could not be aged", debit_id)
            failed.append({"debit_id": debit_id})
            continue
        if done:
            outcome[done] += 1
    if failed:
        outcome["failed"] = failed
    return outcome


_COMPANY_OF_DEBIT = select(Debit.company_id).where(Debit.id == bindparam("debit_id"))


@transactional
def _age(debit_id, now):
    company = lock_company(db.session.scalar(_COMPANY_OF_DEBIT, {"debit_id": debit_id}))
    debit = locked_debit(company.id, debit_id)
    if debit.status != "pending":
        return None
    days_pending = (clock.local_day(now) - clock.local_day(debit.requested_at)).days
    if days_pending >= CANCEL_AFTER_DAYS:
        if not store.resolve_pending(debit, to_status="cancelled", decided_by_id=None, reason=AUTO_CANCEL_REASON,
                                     now=now):
            return None
        release_hold(company, debit, actor_id=None, now=now, note="debit_auto_cancelled")
        return "cancelled"
    if debit.reminded_at is None and days_pending >= REMIND_AFTER_DAYS:
        store.mark_reminded(debit, now)
        debit_notice.send(debit, event="debit_pending_reminder")
        return "reminded"
    return None
