"""Monthly statements: the list, and each month as PDF or CSV (rendered by
clc_ledger.statements, the same files the email carries)."""
from flask import Response, render_template

from ..accounts.services import get_company
from ..statements import services
from ..statements.context import attachment_names
from ..statements.csv import CSV_MIMETYPE, render_csv
from ..statements.html import render_fragment
from ..statements.pdf import render_pdf
from .common import bp, locale_name, roles_required, viewer


def _file(body, mimetype, filename):
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _company(company_id=None):
    user = viewer()
    return get_company(company_id if company_id is not None else user.company_id, viewer=user)


@bp.get("/statements")
@roles_required("member", "observer", "captain")
def statement_list():
    company = _company()
    return render_template("web/statements.html", company=company, statements=services.list_statements(company))


@bp.get("/admin/companies/<int:company_id>/statements")
@roles_required("admin")
def admin_statement_list(company_id):
    company = _company(company_id)
    return render_template("web/statements.html", company=company, statements=services.list_statements(company))


@bp.get("/companies/<int:company_id>/statements/<string(length=7):period>")
def statement_page(company_id, period):
    """One month's statement on screen, in the reader's language: the numbers of its PDF."""
    company = _company(company_id)
    statement = services.get_statement(company, period)
    return render_template("web/statement.html", company=company, statement=statement,
                           body=render_fragment(statement, locale_name()))


@bp.get("/companies/<int:company_id>/statements/<string(length=7):period>.pdf")
def statement_pdf(company_id, period):
    statement = services.get_statement(_company(company_id), period)
    return _file(render_pdf(statement), "application/pdf", attachment_names(statement)[0])


@bp.get("/companies/<int:company_id>/statements/<string(length=7):period>.csv")
def statement_csv(company_id, period):
    statement = services.get_statement(_company(company_id), period)
    return _file(render_csv(statement), CSV_MIMETYPE, attachment_names(statement)[1])
