"""The team view page (R-TEAM-1): person x certification with filters and sorting by days
left, the lapse forecast with its reasons and two charts (certifications and CE credits
expiring per month, pygal SVG without script), spend and yield for a period, and the
specialization panel; CSV and PDF downloads. A member sees only their own rows."""
from datetime import date

import pygal
from flask import Response, flash, redirect, render_template, request, url_for

from .. import clock
from ..accounts.services import get_company
from ..errors import ClcError, NotFound
from ..web.charts import SCRIPT, STYLE
from ..web.common import month
from . import exports, specializations, team
from .models import SPECIALIZATION_TYPES
from .overview import company_rows
from .views import _, _day, _viewer, pages

STATUSES = ("at_risk", "active", "expired")


def reason_labels():
    """The forecast's reasons (team.REASONS) in the reader's language."""
    return {"gap": _("short even counting pending and planned credits"),
            "only_pending": _("met only if the claims under review are earned"),
            "planned_after_expiry": _("training planned after the expiry day"),
            "voucher_unused": _("an exam voucher not used yet"), "no_plan": _("no plan")}
MONTHS_AHEAD = 12


def _company(user):
    if user.is_admin or user.company_id is None:
        raise NotFound("No such page.")
    return get_company(user.company_id, viewer=user)


def _months(today):
    return [date(today.year + (today.month - 1 + k) // 12, (today.month - 1 + k) % 12 + 1, 1)
            for k in range(MONTHS_AHEAD)]


def _forecast_by_month(user, company_id, today):
    """[(first day, certifications expiring, earned credits expiring with them)] for 12 months."""
    months = _months(today)
    horizon = (date(months[-1].year + months[-1].month // 12, months[-1].month % 12 + 1, 1) - today).days
    counted = {row["month"]: row for row in team.by_month(team.forecast(company_id, viewer=user, within_days=horizon))}
    return [(m, counted.get(m.strftime("%Y-%m"), {}).get("certifications", 0),
             counted.get(m.strftime("%Y-%m"), {}).get("credits_expiring", 0)) for m in months]


@pages.get("/learning/team")
def team_view():
    user = _viewer()
    company = _company(user)
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    within = request.args.get("within_days", type=int)
    within = within if within is not None and 0 <= within <= 3650 else None
    order = "desc" if request.args.get("order") == "desc" else "asc"
    rows = company_rows(company.id, viewer=user, status=status, within_days=within, limit=500)
    if order == "desc":
        rows = sorted(rows, key=lambda row: (row["days_left"] is not None, row["days_left"] or 0), reverse=True)
    today = clock.today()
    manager = user.role in ("captain", "observer")
    try:
        last = date.fromisoformat(request.args.get("to") or "") if request.args.get("to") else today
        first = date.fromisoformat(request.args.get("from") or "") if request.args.get("from") else date(
            last.year - 1, last.month, 1)
    except ValueError:
        flash(_("Give a date as YYYY-MM-DD."), "error")
        first, last = date(today.year - 1, today.month, 1), today
    spend = team.spend(company.id, first, last) if manager and first <= last else None
    panel = [{**specializations.view(s, today), "top": specializations.top_contributors(s)}
             for s in specializations.list_specializations(company.id)] if manager else []
    return render_template(
        "learning/team.html", company=company, rows=rows, status=status, within=within, order=order,
        forecast=team.forecast(company.id, viewer=user, within_days=within or 180), months=_forecast_by_month(
            user, company.id, today), spend=spend, first=first, last=last, panel=panel, manager=manager,
        can_manage=user.role == "captain", types=SPECIALIZATION_TYPES, statuses=STATUSES,
        reasons=reason_labels())


@pages.post("/learning/specializations")
def add_specialization():
    user = _viewer()
    company = _company(user)
    try:
        specializations.create_specialization(company.id, viewer_id=user.id, name=request.form.get("name", ""),
                                              type=request.form.get("type", ""),
                                              approved_on=_day(request.form.get("approved_on")))
    except ClcError as error:
        flash(error.message, "error")
    else:
        flash(_("Specialization recorded."), "success")
    return redirect(url_for("learning_web.team_view") + "#specializations")


@pages.get("/learning/team.<any(csv, pdf):kind>")
def team_export(kind):
    user = _viewer()
    company = _company(user)
    if kind == "csv":
        body, mimetype = exports.to_csv(company.id, user), "text/csv"
    else:
        body, mimetype = exports.to_pdf(company, user), "application/pdf"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="learning-{company.id}.{kind}"'})


@pages.get("/learning/charts/<any(certifications, credits):kind>.svg")
def forecast_chart(kind):
    """Certifications (or CE credits) expiring per month, the next 12 months."""
    user = _viewer()
    company = _company(user)
    months = _forecast_by_month(user, company.id, clock.today())
    title = _("Certifications expiring per month") if kind == "certifications" else _("CE credits expiring per month")
    chart = pygal.Bar(style=STYLE, width=600, height=300, show_legend=False, js=[], title=title, x_label_rotation=0,
                      truncate_label=-1, margin=16, print_values=False)
    chart.x_labels = [month(first_day, "yyMMM") for first_day, _count, _credits in months]
    values = [count if kind == "certifications" else credits for _first, count, credits in months]
    top = max(values + [1])
    step = max(1, -(-top // 5))  # whole numbers on the axis: certifications and credits are counted
    chart.y_labels = list(range(0, top + step, step))
    chart.add(title, values)
    response = Response(SCRIPT.sub("", chart.render(is_unicode=True)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response
