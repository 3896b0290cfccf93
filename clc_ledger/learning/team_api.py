"""JSON API of the team view (API.md, "Learning"; R-TEAM-1): the lapse forecast and spend
and yield for a period. The rows themselves are `GET /api/v1/companies/{id}/learning`."""
from datetime import date

from flask import Response, g, jsonify
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .. import clock
from ..accounts.services import get_company
from ..apikit import Credits
from ..errors import Forbidden
from . import badges, claims, exports, team
from .api import _plain, blp
from .schemas import DAY


class ForecastQuery(Schema):
    within_days = fields.Integer(load_default=180, validate=validate.Range(min=0, max=3650))


class ForecastOut(Schema):
    rows = fields.List(fields.Raw(), metadata={"description": "Rows of the team view with `reason` and `reasons`."})
    by_month = fields.List(fields.Raw(), metadata={"description": "`month`, `certifications`, `credits_expiring`."})


class SpendQuery(Schema):
    from_ = fields.Date(data_key="from", load_default=None, validate=DAY)
    to = fields.Date(load_default=None, validate=DAY)

    @validates_schema
    def _ordered(self, data, **_):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("`from` is after `to`.", "from")


class SpendOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    clc_spent = Credits()
    credits_earned = fields.Integer()
    credits_earned_from_clc = fields.Integer()
    clc_per_credit = Credits(allow_none=True)
    clc_on_lapsed_seats = Credits()
    credits_expired_unused = fields.Integer()


@blp.route("/companies/<int:company_id>/learning/forecast")
class LearningForecast(MethodView):
    @blp.arguments(ForecastQuery, location="query")
    @blp.response(200, ForecastOut)
    def get(self, query, company_id):
        """Certifications at risk of lapsing within `within_days` (180), each with its reasons,
        and per month the certifications and credits expiring (R-TEAM-1). A member sees only
        their own rows."""
        company = get_company(company_id, viewer=g.user)
        rows = team.forecast(company.id, viewer=g.user, within_days=query["within_days"])
        return {"rows": [_plain(row) for row in rows], "by_month": team.by_month(rows)}


@blp.route("/companies/<int:company_id>/learning/spend")
class LearningSpend(MethodView):
    @blp.arguments(SpendQuery, location="query")
    @blp.response(200, SpendOut)
    def get(self, query, company_id):
        """Spend and yield from `from` to `to` (local days, inclusive; default: the last 12
        months): CLC spent on credit-bearing items, credits earned, CLC per credit, CLC on
        lapsed seats, credits that expired unused (R-TEAM-1). Captains and observers."""
        company = get_company(company_id, viewer=g.user)
        if not (g.user.is_admin or g.user.role in ("captain", "observer")):
            raise Forbidden("Spend and yield are for captains and observers.")
        last = query.get("to") or clock.today()
        first = query.get("from_") or date(last.year - 1, last.month, 1)
        return team.spend(company.id, first, last)


@blp.route("/ce-claims/<int:claim_id>/badge")
class ClaimBadge(MethodView):
    @blp.response(200, content_type="application/json")
    def get(self, claim_id):
        """The earned claim as an Open Badges 3.0 credential (R-TEAM-1): JSON, or a VC-JWT
        (`application/vc+jwt`) when an issuer key is configured. 409 unless earned."""
        body, mimetype = badges.export(claims.get_claim(claim_id, viewer=g.user))
        if mimetype == "application/json":
            return jsonify(body)
        return Response(body, mimetype=mimetype)


@blp.route("/companies/<int:company_id>/learning.csv")
class LearningCsv(MethodView):
    @blp.response(200, content_type="text/csv")
    def get(self, company_id):
        """The team view as CSV (R-TEAM-1): the rows the viewer may see, then the specializations."""
        company = get_company(company_id, viewer=g.user)
        return Response(exports.to_csv(company.id, g.user), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="learning-{company.id}.csv"'})


@blp.route("/companies/<int:company_id>/learning.pdf")
class LearningPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, company_id):
        """The team view as PDF (R-TEAM-1)."""
        company = get_company(company_id, viewer=g.user)
        return Response(exports.to_pdf(company, g.user), mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="learning-{company.id}.pdf"'})
