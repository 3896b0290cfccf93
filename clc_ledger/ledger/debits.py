"""Debits (R-DEB-*): request, approve, reject, cancel; allocation over sales orders; holds.

A pending debit is a hold (TigerBeetle's pending transfer): its credits leave `available`
for `held` on each SO it draws from, so approving can never fail for lack of credits, and
it resolves exactly once (a compare-and-set on its status under the company lock).
"""
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import User
from ..accounts.services import lock_company, lock_company_of, require_cleared_country, visible_to
from ..db import transactional
from ..errors import Amount, Conflict, Forbidden, N_, NotFound, RuleViolation, Word
from ..extensions import db
from .entries import record_entries
from .expiry import expire_if_due
from . import store
from .models import ELIGIBLE_CATEGORIES, REFUSED_CATEGORIES, Debit, DebitAllocation, SalesOrder
from .sales_orders import is_past_expiry
from .signals import credits_returned, debit_notice, debit_posted, debit_requested, hold_released

REQUESTER_ROLES = ("member", "captain")


def check_category(category):
    """R-DEB-2: eligible categories pass; the known ineligible ones are refused saying why."""
    if category in ELIGIBLE_CATEGORIES:
        return
    if category in REFUSED_CATEGORIES:
        raise RuleViolation(
            "category_not_eligible",
            N_("%(category)s cannot be paid with Cisco Learning Credits. Credits are for "
               "Cisco training: courses, digital learning, exams, certification prep, bootcamps, study groups, "
               "Cisco Live, Cisco Modeling Labs, customized offerings and the Learning Network Store."),
            {"category": [N_("This category is not eligible for Learning Credits.")]},
            category=Word(category, "category"))
    raise RuleViolation("unknown_category", N_("Unknown category %(category)s."),
                        {"category": [N_("One of: %(allowed)s.")]}, category=category,
                        allowed=", ".join(ELIGIBLE_CATEGORIES))


def _spendable(sales_order, now):
    return sales_order.status == "active" and not is_past_expiry(sales_order, now)


# Soonest-expiring first; the SO number breaks ties (R-DEB-1). Read under the company lock
# with populate_existing: SOs the session loaded before (a page's reads) are read anew.
_ACTIVE_SALES_ORDERS = (select(SalesOrder).where(SalesOrder.company_id == bindparam("company_id"),
                                                 SalesOrder.status == "active")
                        .order_by(SalesOrder.expires_on, SalesOrder.so_number)
                        .execution_options(populate_existing=True))


def _allocate(company, amount, requested, now):
    """[(SalesOrder, hundredths)] for a debit, or RuleViolation (R-DEB-1, R-DEB-4)."""
    if requested:
        return _explicit_split(company, amount, requested, now)
    candidates = db.session.scalars(_ACTIVE_SALES_ORDERS, {"company_id": company.id}).all()
    plan, still_needed = [], amount
    for sales_order in candidates:
        if still_needed == 0:
            break
        if not _spendable(sales_order, now) or sales_order.available <= 0:
            continue
        take = min(sales_order.available, still_needed)
        plan.append((sales_order, take))
        still_needed -= take
    if still_needed:
        available = amount - still_needed
        raise RuleViolation(
            "insufficient_credits", N_("Insufficient credits: %(requested)s requested, %(available)s available."),
            {"amount": [N_("More than the credits available.")]},
            requested=Amount(amount), available=Amount(available))
    return plan


def _explicit_split(company, amount, requested, now):
    numbers = [line["so_number"] for line in requested]
    if len(set(numbers)) != len(numbers):
        raise RuleViolation("split_duplicate", N_("Each sales order may appear once in a split."),
                            {"allocations": [N_("Duplicate sales order.")]})
    total = sum(line["amount"] for line in requested)
    if total != amount:
        raise RuleViolation(
            "split_mismatch", N_("The split adds up to %(total)s but the debit is %(amount)s."),
            {"allocations": [N_("Must add up to the amount.")]}, total=Amount(total), amount=Amount(amount))
    found = {so.so_number: so for so in db.session.scalars(
        select(SalesOrder).where(SalesOrder.company_id == company.id, SalesOrder.so_number.in_(numbers))
        .execution_options(populate_existing=True))}
    plan = []
    for line in sorted(requested, key=lambda line: line["so_number"]):
        sales_order = found.get(line["so_number"])
        if sales_order is None:
            raise RuleViolation("split_unknown_sales_order", N_("Your company has no sales order %(so_number)s."),
                                {"allocations": [N_("No sales order %(so_number)s.")]},
                                so_number=line["so_number"])
        if not _spendable(sales_order, now):
            state = "expired" if is_past_expiry(sales_order, now) else sales_order.status
            raise RuleViolation("sales_order_not_spendable",
                                N_("%(so_number)s is %(status)s; only active sales orders can be spent."),
                                {"allocations": [N_("%(so_number)s is %(status)s.")]},
                                so_number=sales_order.so_number, status=Word(state, "status"))
        if sales_order.available < line["amount"]:
            raise RuleViolation(
                "insufficient_credits_on_sales_order",
                N_("Insufficient credits on %(so_number)s: %(requested)s requested, %(available)s available."),
                {"allocations": [N_("More than the credits available on %(so_number)s.")]},
                so_number=sales_order.so_number, requested=Amount(line["amount"]),
                available=Amount(sales_order.available))
        plan.append((sales_order, line["amount"]))
    return plan


@transactional
def request_debit(*, requester_id, amount, category, description, event_date=None, allocations=None,
                  ce_item_id=None, seats=None, attendees=None):
    requester, company = lock_company_of(requester_id)
    if requester is None or requester.role not in REQUESTER_ROLES:
        raise Forbidden("requester_role", N_("Only members and captains request debits."))
    check_category(category)
    if not description or not description.strip():
        raise RuleViolation("description_required", N_("Say what the credits are for."),
                            {"description": [N_("Required.")]})
    require_cleared_country(company.country)
    now = clock.now()
    plan = _allocate(company, amount, allocations, now)
    pending = company.captain_approval_required
    debit = store.insert_debit(dict(
        company_id=company.id, requested_by_id=requester.id, amount=amount, category=category,
        description=description.strip(), event_date=event_date, requested_at=now,
        status="pending" if pending else "posted", decided_at=None if pending else now,
        decided_by_id=None, reason=None, reminded_at=None), requester, plan)
    kind = "hold" if pending else "debit"
    record_entries(company, [(sales_order, kind, -part) for sales_order, part in plan], actor_id=requester.id,
                   debit_id=debit.id, at=now, description=debit.description, note="debit_requested",
                   refs={"debit": debit.id})
    names_training = ce_item_id is not None or seats is not None or bool(attendees)
    if names_training:
        debit_requested.send(debit, ce_item_id=ce_item_id, seats=seats, attendees=attendees or [])
    if not pending:
        debit_posted.send(debit, now=now, names_training=names_training)
    _notify("debit_requested", debit)
    return debit


# A debit with its allocations and their SOs as they are now: read after the company lock,
# so that balances loaded earlier in the transaction are not trusted.
_LOCKED_DEBIT = (select(Debit).where(Debit.id == bindparam("debit_id"), Debit.company_id == bindparam("company_id"))
                 .options(selectinload(Debit.allocations).joinedload(DebitAllocation.sales_order))
                 .execution_options(populate_existing=True))


def locked_debit(company_id, debit_id):
    """The company's debit `debit_id`, read fresh; the caller holds the company lock.
    NotFound if the company has no such debit."""
    debit = db.session.scalars(_LOCKED_DEBIT, {"debit_id": debit_id, "company_id": company_id}).one_or_none()
    if debit is None:
        raise NotFound("debit_not_found", N_("No debit %(id)s."), id=debit_id)
    return debit


def _decide(debit_id, *, actor, to_status, reason=None, check=None):
    """Resolve a pending debit of the actor's company exactly once (under the company lock,
    a compare-and-set on its status). `check(debit)` may refuse first. Returns (company,
    debit, now)."""
    if actor.company_id is None:
        raise NotFound("debit_not_found", N_("No debit %(id)s."), id=debit_id)
    company = lock_company(actor.company_id)
    debit = locked_debit(company.id, debit_id)
    if check is not None:
        check(debit)
    now = clock.now()
    if not store.resolve_pending(debit, to_status=to_status, decided_by_id=actor.id, reason=reason, now=now):
        raise Conflict("debit_not_pending",
                       N_("Debit %(id)s is %(status)s; only a pending debit can be approved, rejected or cancelled."),
                       id=debit.id, status=Word(debit.status, "status"))
    return company, debit, now


def _captain(user_id):
    user = db.session.get(User, user_id)
    if user is None or user.role != "captain":
        raise Forbidden("captain_only", N_("Only a team captain approves or rejects debits."))
    return user


@transactional
def approve_debit(debit_id, *, captain_id):
    captain = _captain(captain_id)

    def not_their_own(debit):
        if debit.requested_by_id == captain.id:
            raise Forbidden("self_approval", N_("Nobody approves a debit they requested themselves."))

    company, debit, now = _decide(debit_id, actor=captain, to_status="posted", check=not_their_own)
    lines = []
    for allocation in debit.allocations:  # the hold becomes the debit, SO by SO (R-DEB-3)
        lines += [(allocation.sales_order, "release", allocation.amount),
                  (allocation.sales_order, "debit", -allocation.amount)]
    record_entries(company, lines, actor_id=captain.id, debit_id=debit.id, at=now, description=debit.description,
                   note="debit_approved", refs={"debit": debit.id})
    debit_posted.send(debit, now=now)
    _notify("debit_posted", debit)
    return debit


def release_hold(company, debit, *, actor_id, now, note, text=""):
    """Give a resolved-without-posting debit's credits back (R-DEB-3, R-DEB-7, R-EXP-3), then
    send `hold_released`. `note`: why (debit_rejected, debit_cancelled, debit_auto_cancelled:
    one of ledger.notes.NOTES); `text`: what a person wrote (a rejection's reason)."""
    record_entries(company, [(allocation.sales_order, "release", allocation.amount) for allocation in debit.allocations],
                   actor_id=actor_id, debit_id=debit.id, at=now, description=text, note=note, refs={"debit": debit.id})
    for allocation in debit.allocations:
        settle_returned_credits(company, allocation.sales_order, actor_id=actor_id, now=now)
    hold_released.send(debit, company=company, actor_id=actor_id, now=now, note=note)


def settle_returned_credits(company, sales_order, *, actor_id, now):
    """Credits that come back to an SO (a released hold, a reversal) go where its balance
    went: on to its reissue SO if it was reissued (R-RSS-4), else into expiry at once if the
    SO is past its expiry date (R-EXP-3, R-DSP-2)."""
    credits_returned.send(sales_order, company=company, actor_id=actor_id, now=now)
    expire_if_due(company, sales_order, now, actor_id=actor_id)


@transactional
def reject_debit(debit_id, *, captain_id, reason):
    captain = _captain(captain_id)
    if not reason or not reason.strip():
        raise RuleViolation("reason_required", N_("Say why the debit is rejected."), {"reason": [N_("Required.")]})
    company, debit, now = _decide(debit_id, actor=captain, to_status="rejected", reason=reason.strip())
    release_hold(company, debit, actor_id=captain.id, now=now, note="debit_rejected",
                 text=reason.strip())
    return debit


@transactional
def cancel_debit(debit_id, *, requester_id):
    requester = db.session.get(User, requester_id)
    if requester is None:
        raise NotFound("debit_not_found", N_("No debit %(id)s."), id=debit_id)

    def their_own(debit):
        if debit.requested_by_id != requester.id:
            raise Forbidden("requester_only", N_("Only the person who requested a debit can cancel it."))

    company, debit, now = _decide(debit_id, actor=requester, to_status="cancelled", check=their_own)
    release_hold(company, debit, actor_id=requester.id, now=now, note="debit_cancelled")
    return debit


def get_debit(debit_id, *, viewer):
    debit = db.session.get(Debit, debit_id)
    return visible_to(viewer, debit, debit and debit.company_id, "debit_not_found", N_("No debit %(id)s."), id=debit_id)


def list_debits(*, viewer, status=None, company_id=None, limit=500, before_id=None, after_id=None,
                oldest_first=False):
    """The viewer's company's debits, newest first (admins: any company, or all); or oldest
    first, paged with `after_id` (the approval queue)."""
    query = select(Debit).order_by(Debit.id if oldest_first else Debit.id.desc()).limit(limit)
    if after_id is not None:
        query = query.where(Debit.id > after_id)
    if not viewer.is_admin:
        company_id = viewer.company_id
    if company_id is not None:
        query = query.where(Debit.company_id == company_id)
    if status is not None:
        query = query.where(Debit.status == status)
    if before_id is not None:
        query = query.where(Debit.id < before_id)
    return db.session.scalars(query).all()


def count_debits(*, viewer, status):
    """How many of the viewer's company's debits have this status."""
    return db.session.scalar(select(func.count(Debit.id)).where(Debit.company_id == viewer.company_id,
                                                                Debit.status == status))


def _notify(event, debit):
    """Transaction notifications (R-NOT-1), written by whoever listens in this same transaction."""
    debit_notice.send(debit, event=event)
