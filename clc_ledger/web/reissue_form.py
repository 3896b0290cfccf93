"""The reissue form's own checks, worded for the reader next to each field (R-TXT-1).

The service (clc_ledger.reissues.services) decides again and is the authority: these checks
exist so that each error sits under its field, in the reader's language, with dates in their
locale format. They use the service's own limits (R-RSS-1, R-RSS-2), never a copy.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock, grammar
from ..extensions import db
from ..ledger.models import ELIGIBLE_CATEGORIES
from ..money import AmountError
from ..reissues import rules
from ..reissues.models import ReissueRequest
from .common import clc, day
from .debits import amount_help, parse_amount

FIELDS = ("item", "category", "planned_on", "credits")
EMPTY_LINE = dict.fromkeys(FIELDS, "")


def check_lines(lines, *, today, last_day):
    """({index: {field: message}}, plan as the service takes it). A line left wholly empty
    is an error of its own ("fill in or remove"), not four."""
    errors, plan = {}, []
    for index, line in enumerate(lines):
        mine = {}
        if not any((line.get(field) or "").strip() for field in FIELDS if field != "category"):
            mine["item"] = _("This line is empty: fill it in, or remove it with its “Remove line” button.")
            errors[index] = mine
            plan.append(None)
            continue
        if not (line.get("item") or "").strip():
            mine["item"] = _("Name the course or item.")
        elif len(line["item"]) > grammar.DESCRIPTION_MAX or grammar.text_problem(line["item"]):
            mine["item"] = str(grammar.text_problem(line["item"]) or grammar.too_long(grammar.DESCRIPTION_MAX))
        if line.get("category") not in ELIGIBLE_CATEGORIES:
            mine["category"] = _("Choose one of the eligible categories.")
        planned_on = None
        text = (line.get("planned_on") or "").strip()
        if not text:
            mine["planned_on"] = _("Enter the planned date.")
        else:
            planned_on, problem = grammar.parse_day(text)
            if problem is not None:
                mine["planned_on"] = _("Enter a date such as %(example)s.", example=day(last_day))
            else:
                if planned_on < today:
                    mine["planned_on"] = _("The date is in the past; today is %(today)s.", today=day(today))
                elif planned_on > last_day:
                    mine["planned_on"] = _("Every planned date must lie within 6 months of the request: on or "
                                           "before %(date)s.", date=day(last_day))
        credits = None
        amount_text = (line.get("credits") or "").strip()
        if not amount_text:
            mine["credits"] = _("Enter the credits for this line, e.g. 125.50.")
        else:
            try:
                credits = parse_amount(amount_text)
            except AmountError:
                mine["credits"] = amount_help()
        if mine:
            errors[index] = mine
        plan.append({"item": line.get("item") or "", "category": line.get("category") or "",
                     "planned_on": planned_on, "credits": credits})
    return errors, plan


def field_labels():
    return {"item": _("Course or item"), "category": _("Category"), "planned_on": _("Planned date"),
            "credits": _("Credits (CLC)")}


def error_summary(line_errors, plan_error, form):
    """[(element id, what, message)] in the order of the page: the summary at the top links
    to each, and the first one gets the focus."""
    labels, items = field_labels(), []
    for index in sorted(line_errors):
        for field in FIELDS:
            if field in line_errors[index]:
                items.append((f"{field}-{index}", _("Line %(n)s, %(field)s", n=index + 1, field=labels[field]),
                              line_errors[index][field]))
    if plan_error:
        items.append(("plan-total", _("Training plan"), plan_error))
    for message in form.justification.errors:
        items.append((form.justification.id, form.justification.label.text, message))
    return items


def total_error(plan, amount):
    """The plan's total against the amount to reissue, or None when they match."""
    total = sum(line["credits"] or 0 for line in plan if line)
    if total == amount:
        return None
    return _("The lines total %(total)s; together they must cover exactly %(amount)s.",
             total=clc(total), amount=clc(amount))


def why_closed(view, today):
    """Why a reissue of this SO cannot be requested today, in words, or None if it can."""
    if view.reissue_of_id is not None:
        return _("%(so)s is itself a reissue, and reissued credits can never be reissued again.",
                 so=view.so_number)
    if view.expires_on is None or view.status not in rules.REQUESTABLE_SO_STATUSES:
        return _("Only active or expired credits can be reissued; %(so)s has none yet.", so=view.so_number)
    earlier = db.session.scalars(
        select(ReissueRequest).where(ReissueRequest.sales_order_id == view.id,
                                     ReissueRequest.status.in_(rules.BLOCKING_STATUSES))
        .order_by(ReissueRequest.id.desc()).limit(1)).first()
    if earlier is not None:
        if earlier.status == "submitted":
            return _("Request #%(id)s for %(so)s, sent on %(date)s, is still under review; an SO is "
                     "reissued once, so a second request has to wait for its decision.",
                     id=earlier.id, so=view.so_number, date=day(earlier.created_at.astimezone(clock.zone()).date()))
        return _("Request #%(id)s for %(so)s was approved; an SO is reissued only once.",
                 id=earlier.id, so=view.so_number)
    first, last = rules.reissue_window(view)
    if today < first:
        return _("The reissue window of %(so)s opens on %(date)s, 60 days before it expires.",
                 so=view.so_number, date=day(first))
    if today > last:
        return _("The reissue window of %(so)s closed on %(date)s, 60 days after it expired.",
                 so=view.so_number, date=day(last))
    return None

