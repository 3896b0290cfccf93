"""Learning pages: people and their certifications with progress bars, the claim form with
evidence upload (prefilled from a debit), and the captains' review queue. Thin, like every
page: they call the same services as the JSON API; the rules refuse, the page says why.
Texts are in the `learning` gettext domain (clc_ledger/translations/*/LC_MESSAGES/learning.po)."""
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from .. import clock
from ..errors import ClcError, NotFound
from ..web.common import viewer
from . import claims, clc_link, people
from .i18n import domain
from .models import LEVELS
from .overview import company_rows
from .progress import views_of_person

_ = domain.gettext


pages = Blueprint("learning_web", __name__, template_folder="templates")


def _viewer():
    return viewer()


@pages.before_request
@login_required
def _signed_in():
    user = _viewer()
    if user.terms_accepted_at is None:
        return redirect(url_for("web.terms"))
    return None


def _error(error):
    flash(error.message, "error")


@pages.route("/people", methods=["GET", "POST"])
def people_list():
    user = _viewer()
    if request.method == "POST":
        try:
            person = people.create_person(viewer_id=user.id, name=request.form.get("name", ""),
                                          email=request.form.get("email", ""),
                                          cisco_id=request.form.get("cisco_id") or None)
        except ClcError as error:
            _error(error)
        else:
            flash(_("%(name)s is on the roster.", name=person.name), "success")
            return redirect(url_for("learning_web.person_detail", person_id=person.id))
    company_id = None if user.is_admin else user.company_id
    rows = company_rows(company_id, viewer=user) if company_id else []
    by_person = {}
    for row in rows:
        by_person.setdefault(row["person_id"], []).append(row)
    roster = people.list_people(viewer=user)
    return render_template("learning/people.html", roster=roster, by_person=by_person,
                           can_manage=user.role == "captain", levels=LEVELS)


@pages.route("/people/<int:person_id>", methods=["GET", "POST"])
def person_detail(person_id):
    user = _viewer()
    person = people.get_person(person_id, viewer=user)
    if request.method == "POST":
        try:
            people.add_certification(person.id, viewer_id=user.id, name=request.form.get("name", ""),
                                     level=request.form.get("level", ""),
                                     earned_on=_day(request.form.get("earned_on")))
        except ClcError as error:
            _error(error)
        else:
            flash(_("Certification recorded."), "success")
            return redirect(url_for("learning_web.person_detail", person_id=person.id))
    prefill = {}
    if request.args.get("debit_id", type=int):
        try:
            prefill = clc_link.prefill(request.args.get("debit_id", type=int), viewer=user)
        except ClcError:
            prefill = {}
    mine = claims.list_claims(viewer=user, person_id=person.id)
    return render_template("learning/person.html", person=person, certifications=views_of_person(person.id),
                           claims=mine, items=claims.list_items(), prefill=prefill, levels=LEVELS,
                           can_manage=user.role == "captain" or user.is_admin,
                           can_act=people.may_act_for(user, person), today=clock.today())


def _day(text):
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise _Invalid(_("Give a date as YYYY-MM-DD.")) from None


class _Invalid(ClcError):
    code = 422


@pages.post("/people/<int:person_id>/claims")
def submit_claim(person_id):
    user = _viewer()
    person = people.get_person(person_id, viewer=user)
    upload = request.files.get("file")
    try:
        planned = request.form.get("claim_id", type=int)
        completed_on = _day(request.form.get("completed_on"))
        code = request.form.get("validation_code") or None
        if planned:
            claim = claims.complete_claim(planned, viewer_id=user.id, completed_on=completed_on, validation_code=code)
        else:
            claim = claims.submit_claim(viewer_id=user.id, person_id=person.id,
                                        ce_item_id=request.form.get("ce_item_id", type=int) or 0,
                                        completed_on=completed_on, validation_code=code)
        if upload is not None and upload.filename:
            claims.add_evidence(claim.id, viewer_id=user.id, filename=upload.filename,
                                content=upload.read(claims.MAX_BYTES + 1))
    except ClcError as error:
        _error(error)
    else:
        flash(_("Claim #%(id)s submitted: %(credits)s CE credits pending review.", id=claim.id, credits=claim.credits),
              "success")
    return redirect(url_for("learning_web.person_detail", person_id=person.id))


@pages.get("/claims/review")
def review_queue():
    user = _viewer()
    if user.role not in ("captain", "observer", "admin"):
        raise NotFound("No such page.")
    pending = claims.list_claims(viewer=user, status="pending")
    return render_template("learning/review.html", claims=pending, can_act=user.role in ("captain", "admin"),
                           evidence={claim.id: claims.evidence_of(claim.id) for claim in pending}, me=user.id)


@pages.get("/claims/<int:claim_id>/evidence/<int:evidence_id>")
def evidence_file(claim_id, evidence_id):
    """One evidence file as uploaded, for whoever may see the claim; always a download, with
    the type its content was recognised as (never run by the browser as a page)."""
    claims.get_claim(claim_id, viewer=_viewer())
    found = next((item for item in claims.evidence_of(claim_id) if item.id == evidence_id), None)
    if found is None:
        raise NotFound("No such file.")
    return Response(found.content, mimetype=found.mimetype, headers={
        "Content-Disposition": f"attachment; filename=evidence-{found.id}{_SUFFIX[found.mimetype]}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store", "Digest": f"sha-256={found.sha256}"})


_SUFFIX = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


@pages.post("/claims/<int:claim_id>/<any(earn, deny):decision>")
def review_claim(claim_id, decision):
    user = _viewer()
    try:
        if decision == "earn":
            claim, warnings = claims.earn_claim(claim_id, viewer_id=user.id)
            for warning in warnings:
                flash(warning["message"], "info")
            flash(_("Claim #%(id)s is earned.", id=claim.id), "success")
        else:
            claims.deny_claim(claim_id, viewer_id=user.id, reason=request.form.get("reason", ""))
            flash(_("Claim #%(id)s is denied.", id=claim_id), "success")
    except ClcError as error:
        _error(error)
    return redirect(url_for("learning_web.review_queue"))


def at_risk_rows(user):
    """For the home page: the company's at-risk certifications (R-CRN-1)."""
    if user is None or user.is_admin:
        return []
    return company_rows(user.company_id, viewer=user, status="at_risk")


def debit_choices(user):
    """For the debit form: the CE catalog and the company's active people (R-CEL-1)."""
    return {"items": claims.list_items(), "people": [p for p in people.list_people(viewer=user) if p.active]}


def debit_training_from(form):
    """The debit form's training fields as request_debit's keyword arguments."""
    item = form.get("ce_item_id", type=int)
    attendees = [int(value) for value in form.getlist("attendees") if value.isdigit()]
    seats = form.get("seats", type=int)
    if not item and not attendees and not seats:
        return {}
    return {"ce_item_id": item or None, "seats": seats, "attendees": attendees}


@pages.record_once
def _learning_globals(state):
    # Globals, not a context processor: imported macros and included templates see them too.
    state.app.jinja_env.globals.update(lt=_, learning_at_risk=at_risk_rows, learning_debit_choices=debit_choices)
from . import team_views  # noqa: E402,F401  (Learning II pages on the same blueprint)
