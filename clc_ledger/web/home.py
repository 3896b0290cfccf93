"""Home: how many credits the company has and when they expire; the expiry chart."""
from flask import Response, redirect, render_template, request, url_for

from .. import clock
from ..accounts.services import active_captain_count, get_company
from ..ledger import debits as debit_service
from ..ledger.sales_orders import company_balance
from ..reissues.rules import blocked_sales_orders, can_request_reissue, reissue_window
from ..reissues.services import expired_amount
from ..statements.services import list_statements
from . import charts, deadlines
from .common import bp, viewer

SO_PAGE = 50  # sales orders listed per page


def _row(view, today, blocked):
    """What one SO row shows. Held credits count as at risk: if the requests holding them
    are rejected after the expiry moment, they expire at once (R-EXP-3)."""
    window = reissue_window(view, blocked) if view.expires_on else None
    reissue_open = can_request_reissue(view, today, blocked)
    active = view.status == "active"
    at_risk = view.available + view.held if active else 0
    level = deadlines.urgency(view.days_left) if active and at_risk > 0 else None
    row = {
        "view": view, "reissue_open": reissue_open, "window": window, "at_risk": at_risk, "level": level,
        "expiring_soon": level is not None, "expired_amount": 0,
        "expiry_text": deadlines.expiry_sentence(view.expires_on, view.days_left, expired=view.status == "expired")
        if view.expires_on else "",
        "days_text": deadlines.days_left_text(view.days_left) if active else "",
    }
    if view.status == "expired" and reissue_open:
        # After expiry the view shows 0 available; what a reissue would bring back is what
        # expired (written by the job, or about to be: the balance still on the row).
        row["expired_amount"] = expired_amount(view.sales_order) + view.sales_order.available
    return row


def _rows(views, today):
    blocked = blocked_sales_orders([view.id for view in views])  # one query, not two per SO
    return [_row(view, today, blocked) for view in views]


@bp.get("/")
def home():
    user = viewer()
    if user.is_admin:
        return redirect(url_for("web.admin_companies"))
    company = get_company(user.company_id, viewer=user)
    balance = company_balance(company)
    today = clock.today()
    rows = _rows(balance["sales_orders"], today)
    months = charts.expiring_by_month(balance["sales_orders"], today)
    pending = only_captain = None
    if user.role in ("captain", "observer"):
        pending = debit_service.count_debits(viewer=user, status="pending")
    if user.role == "captain" and company.captain_approval_required:
        only_captain = active_captain_count(company.id) <= 1
    # Totals, warnings and the chart cover every SO; the list shows a page of them, soonest
    # expiring first (?page=2, ...).
    pages = max(1, -(-len(rows) // SO_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    return render_template("web/home.html", company=company, balance=balance,
                           rows=rows[(page - 1) * SO_PAGE:page * SO_PAGE], page=page, pages=pages,
                           warnings=[row for row in rows if row["expiring_soon"]],
                           expired_open=[row for row in rows if row["expired_amount"] > 0],
                           months=months, today=today, pending=pending, only_captain=only_captain,
                           zone=deadlines.zone_name(),
                           latest_statement=next(iter(list_statements(company)), None))


@bp.get("/charts/expiring.svg")
def expiring_chart():
    user = viewer()
    if user.is_admin:
        return Response(status=404)
    company = get_company(user.company_id, viewer=user)
    views = company_balance(company)["sales_orders"]
    svg = charts.expiring_svg(charts.expiring_by_month(views, clock.today()))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response
