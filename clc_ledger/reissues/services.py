"""Reissue requests: the only code that creates, approves or rejects them (R-RSS-1..4).

Every writer runs as one transaction (`@transactional`) and holds the company lock
(`lock_company`) before it reads the SO it is about to check, so two requests, or a request
and a debit, can never interleave between the check and the write.

How the credits move (every change through `ledger.entries.record_entries`, one append per
decision, so each SO's stored balance stays equal to the sum of its balance-kind entries):

* Approval before the original's expiry instant: the original's *available* balance moves.
  A `reissue_out` of −X on the original (which becomes `closed`) and a `reissue_in` of +X
  on the new reissue SO.
* Approval after expiry: the credits already left the original's balance through its
  `expiry` entries (written first by `expire_if_due` if the job has not run yet). The
  original's ledger shows that they moved rather than expired: an `expiry` entry of +X
  ("expiry undone: reissued") followed by a `reissue_out` of −X, so the original's balance
  is unchanged by the approval, its `expiry` entries now sum to zero (those credits did not
  in the end expire) and the original becomes `closed`. The new SO gets a `reissue_in` of
  +X. Across the company the credits are counted once: activation +X, expiry −X, expiry
  undone +X, reissue_out −X, reissue_in +X = +X on the reissue SO. `reissue_out` and
  `reissue_in` always pair up and sum to zero.
* Held credits (pending debits) on the original are not moved: they stay held on the
  `closed` original, so approving the debit later posts it from there as usual. If they are
  released instead (rejected, cancelled, timed out), they follow the balance they belonged
  to: `forward_released_credits` moves them on to the reissue SO (`reissue_out` on the
  original, `reissue_in` on the reissue SO), where they expire at once if the reissue SO is
  itself past its expiry. The code that releases a hold calls it, under the same lock and
  in the same transaction, whenever the SO is `closed`.
"""
import calendar
from datetime import date

from sqlalchemy import select

from .. import clock
from ..accounts.models import User
from ..accounts.services import lock_company, visible_to
from ..db import transactional
from ..errors import Amount, Conflict, N_, NotFound, RuleViolation, Word, Words
from ..extensions import db
from ..ledger import store
from ..ledger.signals import credits_returned
from ..ledger.entries import record_entries
from ..ledger.expiry import expire_if_due
from ..ledger.models import ELIGIBLE_CATEGORIES, REFUSED_CATEGORIES, LedgerEntry, SalesOrder
from ..ledger.sales_orders import is_past_expiry
from ..notifications import case_notices
from . import rules
from .models import REISSUE_STATUSES, ReissuePlanLine, ReissueRequest

PLAN_MONTHS = 6  # R-RSS-2: every planned date within 6 months of the request
VALIDITY_MONTHS = 6  # R-RSS-4: the reissue SO is valid for 6 calendar months from approval
REISSUE_SUFFIX = "-R"


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- reading ---------------------------------------------------------------------------

def expired_amount(sales_order):
    """Hundredths that expired on this SO and were not since moved by a reissue (≥ 0)."""
    total = db.session.scalar(
        select(db.func.coalesce(db.func.sum(LedgerEntry.amount), 0))
        .where(LedgerEntry.sales_order_id == sales_order.id, LedgerEntry.kind == "expiry"))
    return -int(total)


def reissuable_amount(sales_order, now):
    """What a reissue would move right now: the available balance before the expiry
    instant, the amount that expired after it (R-RSS-4). Expiry must already be written."""
    if is_past_expiry(sales_order, now):
        return expired_amount(sales_order)
    return sales_order.available


def _visible_request(request_id, viewer):
    request = db.session.get(ReissueRequest, request_id)
    return visible_to(viewer, request, request and request.sales_order.company_id,
                      "reissue_request_not_found", N_("No reissue request %(id)s."), id=request_id)


def get_reissue_request(request_id, *, viewer):
    """Admins see any request; company people their own company's (R-ACC-4: else 404)."""
    return _visible_request(request_id, viewer)


def list_reissue_requests(*, viewer, status=None):
    """Admins: all requests; company people: their company's. Newest first."""
    if status is not None and status not in REISSUE_STATUSES:
        raise RuleViolation("unknown_status", N_("Unknown status %(status)s."),
                            {"status": [N_("One of: %(allowed)s.")]}, status=status,
                            allowed=", ".join(REISSUE_STATUSES))
    query = select(ReissueRequest).join(SalesOrder, ReissueRequest.sales_order_id == SalesOrder.id) \
        .order_by(ReissueRequest.id.desc())
    if not viewer.is_admin:
        query = query.where(SalesOrder.company_id == viewer.company_id)
    if status is not None:
        query = query.where(ReissueRequest.status == status)
    return db.session.scalars(query).all()


# --- requesting ------------------------------------------------------------------------

def _locked_sales_order_of_company(so_number, company_id):
    """The SO, re-read under its company's lock; 404 unless it is that company's."""
    sales_order = db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == so_number))
    if sales_order is None or sales_order.company_id != company_id:
        raise NotFound("sales_order_not_found", N_("No sales order %(so_number)s."), so_number=so_number)
    company = lock_company(company_id)
    db.session.refresh(sales_order)
    return company, sales_order


def _check_plan(training_plan, *, amount, today):
    """R-RSS-2: eligible categories, dates from today to 6 months ahead, credits > 0, and a
    total equal to the whole amount to be reissued. Returns the checked lines."""
    if not training_plan:
        raise RuleViolation("training_plan_empty", N_("The training plan needs at least one line."),
                            {"training_plan": [N_("At least one line is required.")]})
    last_day = add_months(today, PLAN_MONTHS)
    line_errors, refused = {}, []
    for index, line in enumerate(training_plan):
        errors = {}
        item = (line.get("item") or "").strip()
        if not item:
            errors["item"] = [N_("Name the course or item.")]
        category = line.get("category")
        if category in REFUSED_CATEGORIES:
            refused.append(category)
            errors["category"] = [N_("This category is not eligible for Learning Credits.")]
        elif category not in ELIGIBLE_CATEGORIES:
            errors["category"] = [N_("Unknown category; one of: %(allowed)s.")]
        planned_on = line.get("planned_on")
        if not isinstance(planned_on, date):
            errors["planned_on"] = [N_("A date is required.")]
        elif planned_on < today:
            errors["planned_on"] = [N_("Must not be in the past (today is %(today)s).")]
        elif planned_on > last_day:
            errors["planned_on"] = [N_("Must be within 6 months of the request: on or before %(last_day)s.")]
        credits = line.get("credits")
        if not isinstance(credits, int) or isinstance(credits, bool) or credits <= 0:
            errors["credits"] = [N_("Must be greater than zero.")]
        if errors:
            line_errors[str(index)] = errors
    values = {"today": today, "last_day": last_day, "allowed": ", ".join(ELIGIBLE_CATEGORIES)}
    if line_errors:
        if refused:
            raise RuleViolation("training_plan_ineligible",
                                N_("The training plan has ineligible categories: %(categories)s."),
                                {"training_plan": line_errors}, categories=Words(refused, "category"), **values)
        raise RuleViolation("training_plan_invalid", N_("The training plan has invalid lines."),
                            {"training_plan": line_errors}, **values)
    total = sum(line["credits"] for line in training_plan)
    if total != amount:
        raise RuleViolation(
            "training_plan_total",
            N_("The training plan totals %(total)s; it must cover exactly the %(amount)s to be reissued."),
            {"training_plan": [N_("Lines must total %(amount)s (they total %(total)s).")]},
            total=Amount(total), amount=Amount(amount))
    return training_plan


@transactional
def request_reissue(so_number, *, captain_id, justification, training_plan):
    """A captain asks to reissue one SO's credits (R-RSS-1..3). Returns the new request.

    `training_plan`: lines of {"item", "category", "planned_on" (date), "credits" (hundredths)}.
    """
    captain = db.session.get(User, captain_id)
    if captain is None or captain.company_id is None:
        raise NotFound("sales_order_not_found", N_("No sales order %(so_number)s."), so_number=so_number)
    company, sales_order = _locked_sales_order_of_company(so_number, captain.company_id)
    now = clock.now()
    today = now.astimezone(clock.zone()).date()

    if sales_order.reissue_of_id is not None:
        raise RuleViolation("reissue_of_reissue",
                            N_("%(so_number)s is itself a reissue; a reissued block can never be reissued again."),
                            {"so_number": [N_("A reissue sales order cannot be reissued.")]}, so_number=so_number)
    if rules.has_blocking_request(sales_order.id):
        raise Conflict("reissue_already_requested",
                       N_("%(so_number)s already has a reissue request under review or approved; "
                          "a sales order is reissued once."), so_number=so_number)
    if sales_order.status not in rules.REQUESTABLE_SO_STATUSES:
        raise RuleViolation("reissue_so_status",
                            N_("%(so_number)s is %(status)s; only active or expired credits can be reissued."),
                            {"so_number": [N_("The sales order is %(status)s.")]},
                            so_number=so_number, status=Word(sales_order.status, "status"))
    first, last = rules.reissue_window(sales_order)
    if not first <= today <= last:
        raise RuleViolation(
            "reissue_window",
            N_("A reissue of %(so_number)s may be requested from %(first)s to %(last)s "
               "(60 days either side of its expiry on %(expires_on)s)."),
            {"so_number": [N_("Outside the reissue window %(first)s to %(last)s.")]},
            so_number=so_number, first=first, last=last, expires_on=sales_order.expires_on)

    # Past the expiry instant but the job has not written it yet: write it now (R-EXP-1),
    # so that the amount that expired is in the ledger.
    expire_if_due(company, sales_order, now)
    amount = reissuable_amount(sales_order, now)
    if amount <= 0:
        raise RuleViolation("nothing_to_reissue", N_("%(so_number)s has no credits to reissue."),
                            {"so_number": [N_("Nothing to reissue: the balance is zero.")]}, so_number=so_number)
    lines = _check_plan(training_plan, amount=amount, today=today)

    request = ReissueRequest(sales_order_id=sales_order.id, requested_by_id=captain.id,
                             justification=(justification or "").strip(), amount=amount, status="submitted",
                             created_at=now)
    db.session.add(request)
    db.session.flush()
    for line in lines:
        db.session.add(ReissuePlanLine(request_id=request.id, item=line["item"].strip(), category=line["category"],
                                       planned_on=line["planned_on"], credits=line["credits"]))
    db.session.flush()
    case_notices.reissue_submitted(request, sales_order)
    return request


# --- reviewing -------------------------------------------------------------------------

def _locked_submitted_request(request_id):
    request = db.session.get(ReissueRequest, request_id)
    if request is None:
        raise NotFound("reissue_request_not_found", N_("No reissue request %(id)s."), id=request_id)
    company = lock_company(request.sales_order.company_id)
    db.session.refresh(request)
    if request.status != "submitted":
        raise Conflict("reissue_request_not_submitted",
                       N_("Reissue request %(id)s is %(status)s; only a submitted request can be reviewed."),
                       id=request_id, status=Word(request.status, "status"))
    sales_order = db.session.get(SalesOrder, request.sales_order_id)
    db.session.refresh(sales_order)
    return company, request, sales_order


def _reissue_so_number(original):
    base = original.so_number[: 40 - len(REISSUE_SUFFIX) - 2] if len(original.so_number) > 38 else original.so_number
    candidate, n = f"{base}{REISSUE_SUFFIX}", 1
    while db.session.scalar(select(SalesOrder.id).where(SalesOrder.so_number == candidate)) is not None:
        n += 1
        candidate = f"{base}{REISSUE_SUFFIX}{n}"
    return candidate


@transactional
def approve_reissue(request_id, *, admin_id):
    """An admin approves (R-RSS-4): a new reissue SO, valid 6 calendar months from today,
    holds the original's balance about to expire (see the module docstring for the entries).
    Returns the request; `request.new_sales_order` is the new SO."""
    company, request, original = _locked_submitted_request(request_id)
    now = clock.now()
    today = now.astimezone(clock.zone()).date()
    expire_if_due(company, original, now)
    after_expiry = is_past_expiry(original, now)
    amount = reissuable_amount(original, now)
    if amount <= 0:
        raise RuleViolation("nothing_left_to_reissue",
                            N_("%(so_number)s has no credits left to reissue; reject the request instead."),
                            {"amount": [N_("Nothing to reissue.")]}, so_number=original.so_number)

    new_so = store.insert_sales_order({
        "so_number": _reissue_so_number(original), "company_id": company.id, "credits": amount, "status": "active",
        "booked_on": today, "invoice_date": today, "expires_on": add_months(today, VALIDITY_MONTHS),
        "activated_at": now, "reissue_of_id": original.id, "created_at": now})

    lines = [(original, "expiry", amount, {"note": "expiry_undone",
                                          "refs": {"amount": amount, "to_so": new_so.so_number, "request": request.id}})
             ] if after_expiry else []
    lines += [(original, "reissue_out", -amount, {"note": "reissued_to",
                                                  "refs": {"to_so": new_so.so_number, "request": request.id}}),
              (new_so, "reissue_in", amount, {"note": "reissued_from",
                                              "refs": {"from_so": original.so_number, "request": request.id}})]
    record_entries(company, lines, actor_id=admin_id, at=now)
    store.set_sales_order_status(original, "closed")

    request.status = "approved"
    request.reviewed_by_id = admin_id
    request.reviewed_at = now
    request.new_sales_order_id = new_so.id
    db.session.flush()
    case_notices.reissue_decided(request, original)
    return request


@transactional
def reject_reissue(request_id, *, admin_id, reason):
    """An admin rejects, with a reason (R-RSS-3). One new request is then allowed in the window."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("reason_required", N_("A rejection needs a reason."), {"reason": [N_("Required.")]})
    _company, request, _original = _locked_submitted_request(request_id)
    request.status = "rejected"
    request.reason = reason
    request.reviewed_by_id = admin_id
    request.reviewed_at = clock.now()
    db.session.flush()
    case_notices.reissue_decided(request, _original)
    return request


# --- credits released on a closed SO -----------------------------------------------------

@credits_returned.connect
def _on_credits_returned(sales_order, *, company, actor_id, now, **_):
    forward_released_credits(company, sales_order, actor_id=actor_id, now=now)


def forward_released_credits(company, sales_order, *, actor_id=None, now=None):
    """Move credits that became available on a `closed` SO (a hold released after its
    balance was reissued) on to its reissue SO, where the rest of its balance went.

    The caller holds the company lock and calls this in the same transaction as the
    release. Writes `reissue_out` on the closed SO and `reissue_in` on the reissue SO; if
    the reissue SO is past its own expiry the credits expire there at once (R-EXP-3).
    Returns the hundredths moved (0 when there is nothing to move).
    """
    if sales_order.status != "closed" or sales_order.available <= 0:
        return 0
    target = db.session.scalar(select(SalesOrder).where(SalesOrder.reissue_of_id == sales_order.id)
                               .execution_options(populate_existing=True))
    if target is None:
        return 0
    now = now or clock.now()
    amount = sales_order.available
    record_entries(company, [
        (sales_order, "reissue_out", -amount, {"note": "released_forwarded_to", "refs": {"to_so": target.so_number}}),
        (target, "reissue_in", amount, {"note": "released_forwarded_from", "refs": {"from_so": sales_order.so_number}}),
    ], actor_id=actor_id, at=now)
    expire_if_due(company, target, now, actor_id=actor_id)
    return amount
