"""Disputes (R-DSP-1..2): a captain refutes a posted debit; an admin upholds it (reversal
entries give the credits back to the SOs they came from, never more than each gave) or
denies it (no balance changes)."""
from sqlalchemy import func, select

from .. import clock
from ..accounts.models import Company, User
from ..accounts.services import lock_company, visible_to
from ..db import transactional
from ..errors import Conflict, Forbidden, N_, NotFound, RuleViolation, Word
from ..extensions import db
from ..ledger.debits import locked_debit, settle_returned_credits
from ..ledger.entries import record_entry
from ..ledger.models import Debit, LedgerEntry
from ..ledger.sales_orders import company_available
from ..ledger.signals import debit_reversed
from ..notifications import case_notices, outbox
from .models import Dispute


def reversed_so_far(debit_id, sales_order_id):
    # int(): PostgreSQL sums bigints as numeric; hundredths are whole numbers everywhere else.
    return int(db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.debit_id == debit_id, LedgerEntry.sales_order_id == sales_order_id,
        LedgerEntry.kind == "reversal")))


def reversible(debit):
    """What an upheld dispute would still give back, per allocation (capped at what each SO gave)."""
    return [(allocation, allocation.amount - reversed_so_far(debit.id, allocation.sales_order_id))
            for allocation in debit.allocations]


@transactional
def open_dispute(debit_id, *, captain_id, reason):
    captain = db.session.get(User, captain_id)
    if captain is None or captain.role != "captain":
        raise Forbidden("captain_only", N_("Only a team captain disputes a debit."))
    debit = db.session.get(Debit, debit_id)
    if debit is None or debit.company_id != captain.company_id:
        raise NotFound("debit_not_found", N_("No debit %(id)s."), id=debit_id)
    if not reason or not reason.strip():
        raise RuleViolation("reason_required", N_("Say why the charge is wrong."), {"reason": [N_("Required.")]})
    lock_company(debit.company_id)
    db.session.refresh(debit)
    if debit.status != "posted":
        raise Conflict("debit_not_posted", N_("Debit %(id)s is %(status)s; only a posted debit can be disputed."),
                       id=debit.id, status=Word(debit.status, "status"))
    if db.session.scalar(select(Dispute.id).where(Dispute.debit_id == debit.id, Dispute.status == "open")):
        raise Conflict("already_disputed",
                       N_("Debit %(id)s is already disputed; wait for that dispute to be resolved."), id=debit.id)
    if sum(amount for _, amount in reversible(debit)) <= 0:
        raise Conflict("already_reversed", N_("Debit %(id)s was already reversed in full."), id=debit.id)
    dispute = Dispute(debit_id=debit.id, company_id=debit.company_id, raised_by_id=captain.id,
                      reason=reason.strip(), status="open", created_at=clock.now())
    db.session.add(dispute)
    db.session.flush()
    case_notices.dispute_opened(dispute)
    return dispute


@transactional
def resolve_dispute(dispute_id, *, admin_id, outcome, note=None):
    admin = db.session.get(User, admin_id)
    if admin is None or not admin.is_admin:
        raise Forbidden("admin_only", N_("Only the Learning Credits back office resolves disputes."))
    if outcome not in ("upheld", "denied"):
        raise RuleViolation("unknown_outcome", N_("The outcome is upheld or denied."),
                            {"outcome": [N_("upheld or denied")]})
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound("dispute_not_found", N_("No dispute %(id)s."), id=dispute_id)
    company = lock_company(dispute.company_id)
    db.session.refresh(dispute)
    if dispute.status != "open":
        raise Conflict("dispute_resolved", N_("Dispute %(id)s was already %(status)s."),
                       id=dispute.id, status=Word(dispute.status, "status"))
    now = clock.now()
    dispute.status, dispute.resolved_by_id, dispute.resolved_at = outcome, admin.id, now
    dispute.note = (note or "").strip() or None
    if outcome == "upheld":
        # The SOs as they are under the lock: the dispute and its debit were read before it.
        debit = locked_debit(company.id, dispute.debit_id)
        for allocation, amount in reversible(debit):
            if amount <= 0:
                continue
            record_entry(company, allocation.sales_order, "reversal", amount, actor_id=admin.id,
                         debit_id=dispute.debit_id, at=now,
                         note="dispute_upheld", refs={"dispute": dispute.id, "debit": dispute.debit_id})
            dispute.reversed_amount += amount
            # R-DSP-2: returned to an expired SO, they are expired at once.
            settle_returned_credits(company, allocation.sales_order, actor_id=admin.id, now=now)
        debit_reversed.send(debit, dispute=dispute)
    _notify(dispute)
    return dispute


def get_dispute(dispute_id, *, viewer):
    dispute = db.session.get(Dispute, dispute_id)
    return visible_to(viewer, dispute, dispute and dispute.company_id, "dispute_not_found", N_("No dispute %(id)s."), id=dispute_id)


def list_disputes(*, viewer, status=None, debit_id=None):
    query = select(Dispute).order_by(Dispute.id.desc())
    if not viewer.is_admin:
        query = query.where(Dispute.company_id == viewer.company_id)
    if status is not None:
        query = query.where(Dispute.status == status)
    if debit_id is not None:
        query = query.where(Dispute.debit_id == debit_id)
    return db.session.scalars(query).all()


def _notify(dispute):
    """The captain who raised it hears the outcome, in the same transaction (R-NOT-2)."""
    case_notices.dispute_resolved(dispute)
    if not dispute.raised_by.active:
        return
    company = db.session.get(Company, dispute.company_id)
    db.session.flush()
    remaining = company_available(company.id)
    outbox.enqueue_notice(
        "dispute_resolved", company.locale, to=[dispute.raised_by.email], dedupe_key=f"dispute_resolved:{dispute.id}",
        dispute={"debit_id": dispute.debit_id, "status": dispute.status, "reversed_amount": dispute.reversed_amount,
                 "note": dispute.note, "raised_by": {"username": dispute.raised_by.username}},
        remaining=remaining)
