"""GET /api/v1/companies/{id}/statements[/{YYYY-MM}[.pdf|.csv]]: the company's people see
their own company's statements (another company's answer 404), admins any."""
from flask import Response, g
from flask.views import MethodView

from ..accounts.services import get_company
from ..apikit import Blueprint
from . import services
from .context import attachment_names
from .csv import CSV_MIMETYPE, render_csv
from .pdf import render_pdf
from .schemas import StatementListOut, StatementOut, statement_document

blp = Blueprint("statements", __name__, url_prefix="/api/v1", description="Monthly statements")


def _statement(company_id, period):
    company = get_company(company_id, viewer=g.user)
    return services.get_statement(company, period)


def _file(body, mimetype, filename):
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blp.route("/companies/<int:company_id>/statements")
class Statements(MethodView):
    @blp.response(200, StatementListOut)
    def get(self, company_id):
        """The company's monthly statements, newest first."""
        company = get_company(company_id, viewer=g.user)
        return {"statements": services.list_statements(company)}


@blp.route("/companies/<int:company_id>/statements/<string(length=7):period>")
class StatementDetail(MethodView):
    @blp.response(200, StatementOut)
    def get(self, company_id, period):
        """One month's statement: opening and closing balance, every movement with its running
        balance, and each sales order as of the period end."""
        return statement_document(_statement(company_id, period))


@blp.route("/companies/<int:company_id>/statements/<string(length=7):period>.pdf")
class StatementPdf(MethodView):
    @blp.response(200, content_type="application/pdf", description="The statement as PDF.")
    def get(self, company_id, period):
        """One month's statement as PDF, in the company's language."""
        statement = _statement(company_id, period)
        return _file(render_pdf(statement), "application/pdf", attachment_names(statement)[0])


@blp.route("/companies/<int:company_id>/statements/<string(length=7):period>.csv")
class StatementCsv(MethodView):
    @blp.response(200, content_type="text/csv", description="The statement's movements as CSV.")
    def get(self, company_id, period):
        """One month's movements as CSV: date, type, SO, description, amount, running balance."""
        statement = _statement(company_id, period)
        return _file(render_csv(statement), CSV_MIMETYPE, attachment_names(statement)[1])
