"""Debits: request one (members, captains), the company's debits, and the captains'
approval queue. Every change goes through clc_ledger.ledger.debits, like the JSON API."""
from babel.numbers import get_decimal_symbol
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import clock
from ..accounts.services import active_captain_count, get_company
from ..errors import ClcError
from ..ledger import debits as service
from ..ledger.after_approval import balance_after_approval, company_balance_now
from ..ledger.sales_orders import company_balance
from ..grammar import parse_id
from ..money import AmountError, credits_str, parse_credits
from ..learning.views import debit_training_from
from .common import bp, clc, flash_error, locale_name, roles_required, viewer
from .disputes import dispute_state
from .forms import ActionForm, DebitForm, DisputeForm, RejectForm

COMPANY_ROLES = ("member", "observer", "captain")
APPROVALS_PAGE = 50


def amount_help():
    return _("Write the credits as a number above zero with at most 2 decimals, e.g. 125.50.")


def parse_amount(text):
    """Credits typed by a person: a point, or in comma-decimal languages a comma, before the
    cents; no thousands separators. Exact, via money.parse_credits."""
    text = (text or "").strip()
    if get_decimal_symbol(locale_name()) == "," and "," in text and "." not in text:
        text = text.replace(",", ".")
    return parse_credits(text)


def _spendable(balance):
    return [view for view in balance["sales_orders"] if view.status == "active" and view.available > 0]


_FIELDS = {"amount", "category", "description", "event_date"}


def _place_error(form, error):
    """(split_error, top_error): a refused debit's message beside the field the rule names
    (the message is the service's, R-TXT-1), else above the form."""
    fields = set((error.errors or {}) if isinstance(error.errors, dict) else ())
    if "allocations" in fields:
        return error.message, None
    if fields & _FIELDS:
        field = form[sorted(fields & _FIELDS)[0]]
        field.errors = [*field.errors, error.message]
        return None, None
    return None, error.message


@bp.route("/debits/new", methods=["GET", "POST"])
@roles_required("member", "captain")
def new_debit():
    user = viewer()
    company = get_company(user.company_id, viewer=user)
    balance = company_balance(company)
    spendable = _spendable(balance)
    form = DebitForm()
    split_values = {view.so_number: request.form.get(f"split-{view.so_number}", "") for view in spendable}
    split_errors, split_error, top_error = {}, None, None
    if form.validate_on_submit():
        amount = allocations = None
        try:
            amount = parse_amount(form.amount.data)
        except AmountError:
            form.amount.errors.append(amount_help())
        lines = []
        for so_number, text in split_values.items():
            if text.strip():
                try:
                    lines.append({"so_number": so_number, "amount": parse_amount(text)})
                except AmountError:
                    split_errors[so_number] = amount_help()
        allocations = lines or None
        if amount is not None and lines and not split_errors and sum(line["amount"] for line in lines) != amount:
            split_error = _("The parts add up to %(total)s; together they must make the amount, %(amount)s.",
                            total=clc(sum(line["amount"] for line in lines)), amount=clc(amount))
        if amount is not None and not split_errors and not split_error:
            try:
                debit = service.request_debit(
                    requester_id=user.id, amount=amount, category=form.category.data,
                    description=form.description.data, event_date=form.event_date.data, allocations=allocations,
                    **debit_training_from(request.form))
            except ClcError as error:
                split_error, top_error = _place_error(form, error)
            else:
                if debit.status == "pending":
                    flash(_("Debit #%(id)s of %(amount)s is waiting for a captain's approval; the credits are held.",
                            id=debit.id, amount=clc(debit.amount)), "success")
                else:
                    flash(_("Debit #%(id)s of %(amount)s is posted.", id=debit.id, amount=clc(debit.amount)),
                          "success")
                return redirect(url_for("web.debit_list"))
    status = 422 if request.method == "POST" else 200
    summary = [(field.id, field.label.text, message) for field in form if field.errors for message in field.errors]
    summary += [(f"split-{so_number}", _("From %(so)s", so=so_number), message)
                for so_number, message in split_errors.items()]
    if split_error:
        summary.append(("split-total", _("Split over sales orders (optional)"), split_error))
    only_captain = (company.captain_approval_required and user.role == "captain"
                    and active_captain_count(company.id) <= 1)
    return render_template("web/debit_new.html", form=form, company=company, balance=balance, spendable=spendable,
                           split_values=split_values, split_errors=split_errors, split_error=split_error,
                           summary=summary,
                           top_error=top_error, only_captain=only_captain,
                           available_str=credits_str(balance["available"])), status


@bp.get("/debits")
@roles_required(*COMPANY_ROLES)
def debit_list():
    user = viewer()
    status = request.args.get("status") or None
    if status not in (None, "pending", "posted", "rejected", "cancelled"):
        status = None
    debits = service.list_debits(viewer=user, status=status)
    disputes, disputable = dispute_state(user, debits)
    balance_now = company_balance_now(user.company_id) if any(d.status == "pending" for d in debits) else 0
    after = {debit.id: balance_after_approval(debit.amount, balance_now) for debit in debits
             if debit.status == "pending"}
    return render_template("web/debit_list.html", debits=debits, status=status, action_form=ActionForm(formdata=None),
                           disputes=disputes, disputable=disputable, dispute_form=DisputeForm(formdata=None),
                           today=clock.today(), after=after)


def _age_days(debit, today):
    return (today - debit.requested_at.astimezone(clock.zone()).date()).days


@bp.get("/approvals")
@roles_required("captain", "observer")
def approvals():
    user = viewer()
    company = get_company(user.company_id, viewer=user)
    balance = company_balance(company)
    total = company_balance_now(company.id)
    today = clock.today()
    # The queue in the order it arrived, a page at a time (?after=<id of the last one shown>).
    after = request.args.get("after", type=int)
    page = service.list_debits(viewer=user, status="pending", after_id=after, limit=APPROVALS_PAGE + 1,
                               oldest_first=True)
    next_after = page[APPROVALS_PAGE - 1].id if len(page) > APPROVALS_PAGE else None
    rows = [{"debit": debit, "age": _age_days(debit, today), "remaining": balance_after_approval(debit.amount, total),
             "own": debit.requested_by_id == user.id}
            for debit in page[:APPROVALS_PAGE]]
    pending = len(rows) if after is None and next_after is None else service.count_debits(viewer=user,
                                                                                           status="pending")
    return render_template("web/approvals.html", rows=rows, balance=balance, can_act=user.role == "captain",
                           only_captain=any(row["own"] for row in rows) and active_captain_count(company.id) <= 1,
                           action_form=ActionForm(formdata=None), reject_form=RejectForm(formdata=None),
                           pending=pending, next_after=next_after, paged=after is not None)


@bp.post("/debits/<int:debit_id>/approve")
@roles_required("captain")
def approve_debit(debit_id):
    if ActionForm().validate_on_submit():
        try:
            debit = service.approve_debit(debit_id, captain_id=viewer().id)
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("Debit #%(id)s approved: %(amount)s posted.", id=debit.id, amount=clc(debit.amount)), "success")
    return redirect(url_for("web.approvals"))


@bp.post("/approvals/approve-selected")
@roles_required("captain")
def approve_selected():
    if not ActionForm().validate_on_submit():
        return redirect(url_for("web.approvals"))
    ids = [number for number, problem in map(lambda value: parse_id(value, from_text=True),
                                             request.form.getlist("debit_id")) if problem is None]
    if not ids:
        flash(_("Select at least one debit to approve."), "error")
        return redirect(url_for("web.approvals"))
    approved = 0
    for debit_id in ids:
        try:
            service.approve_debit(debit_id, captain_id=viewer().id)
        except ClcError as error:
            flash(_("Debit #%(id)s: %(message)s", id=debit_id, message=error.message), "error")
        else:
            approved += 1
    if approved:
        flash(ngettext("%(num)d debit approved.", "%(num)d debits approved.", approved), "success")
    return redirect(url_for("web.approvals"))


@bp.post("/debits/<int:debit_id>/reject")
@roles_required("captain")
def reject_debit(debit_id):
    form = RejectForm()
    if form.validate_on_submit():
        try:
            debit = service.reject_debit(debit_id, captain_id=viewer().id, reason=form.reason.data)
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("Debit #%(id)s rejected; its credits are available again.", id=debit.id), "success")
    else:
        flash(_("Give a reason for rejecting the debit."), "error")
    return redirect(url_for("web.approvals"))


@bp.post("/debits/<int:debit_id>/cancel")
@roles_required("member", "captain")
def cancel_debit(debit_id):
    if ActionForm().validate_on_submit():
        try:
            debit = service.cancel_debit(debit_id, requester_id=viewer().id)
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("Debit #%(id)s cancelled; its credits are available again.", id=debit.id), "success")
    return redirect(url_for("web.debit_list"))

