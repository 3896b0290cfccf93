"""Disputes (R-DSP-1..2): a captain refutes a posted debit from the debits page; the company
sees its disputes; the back office upholds or denies them. The rules live in
clc_ledger.disputes.services, as for the JSON API."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..accounts.models import Company
from ..disputes import services as service
from ..errors import ClcError
from ..extensions import db
from .common import bp, clc, flash_error, roles_required, status_filter, viewer
from .forms import DisputeForm, ResolveDisputeForm

COMPANY_ROLES = ("member", "observer", "captain")


def returnable(debit):
    """What upholding a dispute of this debit would give back now (the service caps it)."""
    return sum(amount for allocation, amount in service.reversible(debit))


def company_names(disputes):
    ids = {dispute.company_id for dispute in disputes}
    if not ids:
        return {}
    return dict(db.session.execute(db.select(Company.id, Company.name).where(Company.id.in_(ids))).all())


def dispute_state(user, debits):
    """For the debits page: {debit id: its latest dispute} and the ids a captain may dispute now
    (posted, no open dispute, something left to give back). The service decides again."""
    latest = {}
    for dispute in service.list_disputes(viewer=user):  # newest first
        latest.setdefault(dispute.debit_id, dispute)
    disputable = set()
    if user.role == "captain":
        for debit in debits:
            dispute = latest.get(debit.id)
            if debit.status != "posted" or (dispute is not None and dispute.status == "open"):
                continue
            if dispute is not None and dispute.status == "upheld" and returnable(debit) <= 0:
                continue
            disputable.add(debit.id)
    return latest, disputable


@bp.post("/debits/<int:debit_id>/dispute")
@roles_required("captain")
def dispute_debit(debit_id):
    form = DisputeForm()
    if not form.validate_on_submit():
        flash(_("Say why the charge is wrong."), "error")
        return redirect(url_for("web.debit_list"))
    try:
        dispute = service.open_dispute(debit_id, captain_id=viewer().id, reason=form.reason.data)
    except ClcError as error:
        flash_error(error)
        return redirect(url_for("web.debit_list"))
    flash(_("Dispute #%(id)s about debit #%(debit)s sent to the back office.", id=dispute.id,
            debit=dispute.debit_id), "success")
    return redirect(url_for("web.dispute_list"))


@bp.get("/disputes")
@roles_required(*COMPANY_ROLES)
def dispute_list():
    return render_template("web/dispute_list.html", disputes=service.list_disputes(viewer=viewer()))


@bp.get("/disputes/<int:dispute_id>")
@roles_required(*COMPANY_ROLES, "admin")
def dispute_detail(dispute_id):
    dispute = service.get_dispute(dispute_id, viewer=viewer())  # another company's: 404
    return render_template("web/dispute_detail.html", dispute=dispute,
                           returnable=returnable(dispute.debit) if dispute.status == "open" else 0,
                           company_name=company_names([dispute])[dispute.company_id],
                           resolve_form=ResolveDisputeForm(formdata=None))


@bp.get("/admin/disputes")
@roles_required("admin")
def admin_disputes():
    status = status_filter(("open", "upheld", "denied"), "open")
    disputes = service.list_disputes(viewer=viewer(), status=status)
    if status == "open":
        disputes = list(reversed(disputes))  # oldest first: the queue in the order it arrived
    return render_template("web/admin/disputes.html", disputes=disputes, status=status,
                           returnable={dispute.id: returnable(dispute.debit)
                                       for dispute in disputes if dispute.status == "open"},
                           companies=company_names(disputes), resolve_form=ResolveDisputeForm(formdata=None))


@bp.post("/admin/disputes/<int:dispute_id>/resolve")
@roles_required("admin")
def admin_resolve_dispute(dispute_id):
    form = ResolveDisputeForm()
    if form.validate_on_submit():
        try:
            dispute = service.resolve_dispute(dispute_id, admin_id=viewer().id, outcome=form.outcome.data,
                                              note=form.note.data)
        except ClcError as error:
            flash_error(error)
        else:
            if dispute.status == "upheld":
                flash(_("Dispute #%(id)s upheld: %(amount)s returned to %(company)s.", id=dispute.id,
                        amount=clc(dispute.reversed_amount),
                        company=company_names([dispute])[dispute.company_id]), "success")
            else:
                flash(_("Dispute #%(id)s denied; no balance changed.", id=dispute.id), "success")
    else:
        flash(_("Choose Uphold or Deny; a note has at most 1000 characters."), "error")
    return redirect(url_for("web.admin_disputes"))
