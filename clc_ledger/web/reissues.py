"""Reissue requests: the captain's form (one SO, its window and amount, a training plan) and
the back office's review queue. The rules live in clc_ledger.reissues."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import clock, grammar
from ..errors import ClcError
from ..ledger.sales_orders import get_sales_order, is_past_expiry
from ..money import AmountError
from ..reissues import rules
from ..reissues import services as service
from .common import bp, clc, flash_error, roles_required, status_filter, viewer
from .debits import parse_amount
from .labels import CATEGORY_LABELS
from .forms import ActionForm, ReissueForm, RejectForm

MAX_LINES = 30


def _amount_to_reissue(view, now):
    """What a request made now would reissue (shown; the service decides it again)."""
    if is_past_expiry(view.sales_order, now):
        return service.expired_amount(view.sales_order) + view.sales_order.available
    return view.sales_order.available


def _lines_from_form(count):
    lines = []
    for index in range(count):
        lines.append({
            "item": request.form.get(f"item-{index}", ""),
            "category": request.form.get(f"category-{index}", ""),
            "planned_on": request.form.get(f"planned_on-{index}", ""),
            "credits": request.form.get(f"credits-{index}", ""),
        })
    return lines


def _line_errors(error):
    """The service's per-line errors ({"training_plan": {"0": {"item": [...]}}}) by line."""
    plan = (error.errors or {}).get("training_plan")
    if not isinstance(plan, dict):
        return {}
    return {int(index): " ".join(" ".join(messages) for messages in fields.values())
            for index, fields in plan.items() if str(index).isdigit()}


@bp.route("/sales-orders/<so_number>/reissue", methods=["GET", "POST"])
@roles_required("captain")
def request_reissue(so_number):
    user = viewer()
    view = get_sales_order(so_number, viewer=user)
    now = clock.now()
    today = now.astimezone(clock.zone()).date()
    window = rules.reissue_window(view)
    open_now = rules.can_request_reissue(view, today)
    amount = _amount_to_reissue(view, now)
    form = ReissueForm()
    try:
        count = max(1, min(MAX_LINES, int(request.form.get("lines", "1"))))
    except ValueError:
        count = 1
    lines = _lines_from_form(count) if request.method == "POST" else [{"item": "", "category": "", "planned_on": "",
                                                                       "credits": ""}]
    line_errors = {}
    action = request.form.get("action", "submit")
    if request.method == "POST" and form.validate_on_submit():
        if action == "add" and len(lines) < MAX_LINES:
            lines.append({"item": "", "category": "", "planned_on": "", "credits": ""})
        elif action.startswith("remove-") and action[7:] in {str(i) for i in range(len(lines))} and len(lines) > 1:
            del lines[int(action[7:])]
        elif action == "submit":
            plan = []
            for index, line in enumerate(lines):
                try:
                    credits = parse_amount(line["credits"])
                except AmountError as error:
                    line_errors[index] = str(error)
                    credits = None
                planned_on, problem = grammar.parse_day(line["planned_on"]) if line["planned_on"] else (None, None)
                if problem is None and len(line["item"]) > grammar.DESCRIPTION_MAX:
                    problem = grammar.too_long(grammar.DESCRIPTION_MAX)
                problem = problem or grammar.text_problem(line["item"]) or grammar.text_problem(line["category"])
                if problem is not None:
                    line_errors[index] = " ".join(filter(None, (line_errors.get(index), str(problem))))
                plan.append({"item": line["item"], "category": line["category"], "planned_on": planned_on,
                             "credits": credits})
            if not line_errors:
                try:
                    created = service.request_reissue(view.so_number, captain_id=user.id,
                                                      justification=form.justification.data, training_plan=plan)
                except ClcError as error:
                    flash_error(error)
                    line_errors.update(_line_errors(error))
                else:
                    flash(_("Reissue request #%(id)s for %(amount)s submitted for review.", id=created.id,
                            amount=clc(created.amount)), "success")
                    return redirect(url_for("web.reissue_list"))
    last_day = service.add_months(today, service.PLAN_MONTHS)
    status = 422 if request.method == "POST" and (line_errors or action == "submit") else 200
    return render_template("web/reissue_new.html", so=view, window=window, open_now=open_now, amount=amount,
                           form=form, lines=lines, line_errors=line_errors, today=today, last_day=last_day,
                           categories=list(CATEGORY_LABELS.items()),
                           amount_str=f"{amount // 100}.{amount % 100:02d}"), status


@bp.get("/reissue-requests")
@roles_required("member", "observer", "captain")
def reissue_list():
    requests = service.list_reissue_requests(viewer=viewer())
    return render_template("web/reissue_list.html", requests=requests)


@bp.get("/admin/reissue-requests")
@roles_required("admin")
def admin_reissues():
    status = status_filter(("submitted", "approved", "rejected"), "submitted")
    requests = service.list_reissue_requests(viewer=viewer(), status=status)
    return render_template("web/admin/reissues.html", requests=requests, status=status,
                           action_form=ActionForm(formdata=None), reject_form=RejectForm(formdata=None))


@bp.post("/admin/reissue-requests/<int:request_id>/approve")
@roles_required("admin")
def admin_approve_reissue(request_id):
    if ActionForm().validate_on_submit():
        try:
            approved = service.approve_reissue(request_id, admin_id=viewer().id)
        except ClcError as error:
            flash_error(error)
        else:
            new = approved.new_sales_order
            flash(_("Approved: %(so)s holds %(amount)s until %(date)s.", so=new.so_number, amount=clc(new.credits),
                    date=new.expires_on.isoformat()), "success")
    return redirect(url_for("web.admin_reissues"))


@bp.post("/admin/reissue-requests/<int:request_id>/reject")
@roles_required("admin")
def admin_reject_reissue(request_id):
    form = RejectForm()
    if form.validate_on_submit():
        try:
            service.reject_reissue(request_id, admin_id=viewer().id, reason=form.reason.data)
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("Reissue request #%(id)s rejected.", id=request_id), "success")
    else:
        flash(_("Give a reason for the rejection."), "error")
    return redirect(url_for("web.admin_reissues"))
