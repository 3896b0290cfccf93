"""Reissue requests: the captain's form (one SO, its window and amount, a training plan) and
the back office's review queue. The rules live in clc_ledger.reissues."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import clock
from ..errors import ClcError
from ..ledger.sales_orders import get_sales_order, is_past_expiry
from ..reissues import rules
from ..reissues import services as service
from .common import bp, clc, flash_error, roles_required, status_filter, viewer
from .forms import ActionForm, ReissueForm, RejectForm
from .labels import CATEGORY_LABELS
from .reissue_form import EMPTY_LINE, FIELDS, check_lines, error_summary, total_error, why_closed

MAX_LINES = 30


def _amount_to_reissue(view, now):
    """What a request made now would reissue (shown; the service decides it again)."""
    if is_past_expiry(view.sales_order, now):
        return service.expired_amount(view.sales_order) + view.sales_order.available
    return view.sales_order.available


def _lines_from_form(count):
    return [{field: request.form.get(f"{field}-{index}", "") for field in FIELDS} for index in range(count)]


def _service_errors(error):
    """The service refused what the page's own checks let through (a race, a rule the page
    does not repeat): its per-line messages by line and field."""
    plan = (error.errors or {}).get("training_plan")
    if not isinstance(plan, dict):
        return {}
    return {int(index): {field: " ".join(messages) for field, messages in fields.items()}
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
    last_day = service.add_months(today, service.PLAN_MONTHS)
    form = ReissueForm()
    try:
        count = max(1, min(MAX_LINES, int(request.form.get("lines", "1"))))
    except ValueError:
        count = 1
    lines = _lines_from_form(count) if request.method == "POST" else [dict(EMPTY_LINE)]
    line_errors, plan_error, top_error = {}, None, None
    # Enter in any field sends the form's first submit button, the hidden "submit" one:
    # only the "Add a line" and "Remove line N" buttons themselves add or remove lines.
    action = request.form.get("action", "submit")
    if request.method == "POST" and form.validate_on_submit() and open_now:
        if action == "add" and len(lines) < MAX_LINES:
            lines.append(dict(EMPTY_LINE))
        elif action.startswith("remove-") and action[7:].isdigit() and len(lines) > 1:
            del lines[min(int(action[7:]), len(lines) - 1)]
        elif action == "submit":
            line_errors, plan = check_lines(lines, today=today, last_day=last_day)
            if not line_errors:
                plan_error = total_error(plan, amount)
            if not line_errors and not plan_error:
                try:
                    created = service.request_reissue(view.so_number, captain_id=user.id,
                                                      justification=form.justification.data, training_plan=plan)
                except ClcError as error:
                    top_error = error.message
                    line_errors = _service_errors(error)
                else:
                    flash(_("Reissue request #%(id)s for %(amount)s submitted for review.", id=created.id,
                            amount=clc(created.amount)), "success")
                    return redirect(url_for("web.reissue_list"))
    failed = bool(line_errors or plan_error or top_error or form.errors)
    status = 422 if request.method == "POST" and (failed or (action == "submit" and not open_now)) else 200
    return render_template("web/reissue_new.html", so=view, window=window, open_now=open_now, amount=amount,
                           form=form, lines=lines, line_errors=line_errors, plan_error=plan_error,
                           top_error=top_error, failed=failed, closed_reason=None if open_now else why_closed(view, today),
                           today=today, last_day=last_day, categories=list(CATEGORY_LABELS.items()),
                           summary=error_summary(line_errors, plan_error, form),
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
