"""Home: how many credits the company has and when they expire; the expiry chart."""
from flask import Response, redirect, render_template, request, url_for

from .. import clock
from ..accounts.services import get_company
from ..ledger.sales_orders import company_balance
from ..reissues.rules import blocked_sales_orders, can_request_reissue, reissue_window
from ..statements.services import list_statements
from . import charts
from .common import bp, viewer

WARNING_DAYS = 90  # credits expiring within this many days stand out
SO_PAGE = 50  # sales orders listed per page


def _rows(views, today):
    rows = []
    blocked = blocked_sales_orders([view.id for view in views])  # one query, not two per SO
    for view in views:
        window = reissue_window(view, blocked) if view.expires_on else None
        rows.append({
            "view": view,
            "reissue_open": can_request_reissue(view, today, blocked),
            "window": window,
            "expiring_soon": view.status == "active" and view.available > 0 and view.days_left is not None
            and 0 <= view.days_left <= WARNING_DAYS,
        })
    return rows


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
    # Totals, warnings and the chart cover every SO; the list shows a page of them, soonest
    # expiring first (?page=2, ...).
    pages = max(1, -(-len(rows) // SO_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    return render_template("web/home.html", company=company, balance=balance,
                           rows=rows[(page - 1) * SO_PAGE:page * SO_PAGE], page=page, pages=pages,
                           warnings=[row for row in rows if row["expiring_soon"]], months=months, today=today,
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
