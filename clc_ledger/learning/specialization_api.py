"""JSON API of partner specializations (API.md, "Learning"; R-PTS-1..3): a company's
specializations with their points, points earned from knowledge sessions, and renewals."""
from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from .. import grammar
from ..accounts.services import get_company
from ..apikit import roles
from ..fields import Text
from . import specializations
from .api import blp
from .models import POINT_HOWS, SPECIALIZATION_TYPES
from .schemas import DAY, ID


class SpecializationCreate(Schema):
    name = Text(required=True, min=1, max=grammar.NAME_MAX)
    type = fields.String(required=True, validate=validate.OneOf(SPECIALIZATION_TYPES))
    approved_on = fields.Date(required=True, validate=DAY)


class ContributorOut(Schema):
    name = fields.String()
    points = fields.Integer()


class SpecializationOut(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    name = fields.String()
    type = fields.String()
    approved_on = fields.Date()
    renewal_due_on = fields.Date()
    window_from = fields.Date()
    window_to = fields.Date()
    points = fields.Integer()
    required = fields.Integer()
    short = fields.Integer()
    days_to_renewal = fields.Integer()
    top_contributors = fields.List(fields.Nested(ContributorOut))


class SpecializationsOut(Schema):
    specializations = fields.List(fields.Nested(SpecializationOut))


class PointsIn(Schema):
    person_id = fields.Integer(required=True, validate=ID)
    ce_item_id = fields.Integer(required=True, validate=ID)
    on = fields.Date(required=True, validate=DAY)
    # `download` is known, so that it is refused with the rule's words rather than as a typo.
    how = fields.String(required=True, validate=validate.OneOf(POINT_HOWS + ("download",)))


class PointsOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    ce_item_id = fields.Integer()
    claim_id = fields.Integer(allow_none=True)
    points = fields.Integer()
    on = fields.Date(attribute="earned_on")
    how = fields.String()


class RenewalIn(Schema):
    renewed_on = fields.Date(required=True, validate=DAY)
    override_reason = Text(load_default=None, allow_none=True, max=grammar.REASON_MAX, multiline=True)


class RenewalOut(Schema):
    id = fields.Integer()
    specialization_id = fields.Integer()
    renewed_on = fields.Date()
    previous_due_on = fields.Date()
    next_due_on = fields.Date()
    points = fields.Integer()
    required = fields.Integer()
    override_reason = fields.String(allow_none=True)


class RenewalsOut(Schema):
    renewals = fields.List(fields.Nested(RenewalOut))


def _shown(specialization):
    """A member sees the company's points but not who earned them (R-TEAM-1: only their own rows)."""
    manager = g.user.is_admin or g.user.role in ("captain", "observer")
    return {**specializations.view(specialization),
            "top_contributors": specializations.top_contributors(specialization) if manager else []}


@blp.route("/companies/<int:company_id>/specializations")
class CompanySpecializations(MethodView):
    @blp.response(200, SpecializationsOut)
    def get(self, company_id):
        """The company's specializations: points in the window against the requirement (R-PTS-1, R-PTS-3)."""
        company = get_company(company_id, viewer=g.user)
        return {"specializations": [_shown(s) for s in specializations.list_specializations(company.id)]}

    @roles("captain", "admin")
    @blp.arguments(SpecializationCreate)
    @blp.response(201, SpecializationOut)
    def post(self, data, company_id):
        """Record a specialization held; renewal due 12 months after approval (R-PTS-1)."""
        company = get_company(company_id, viewer=g.user)
        return _shown(specializations.create_specialization(company.id, viewer_id=g.user.id, **data))


@blp.route("/specializations/<int:specialization_id>")
class SpecializationDetail(MethodView):
    @blp.response(200, SpecializationOut)
    def get(self, specialization_id):
        return _shown(specializations.get_specialization(specialization_id, viewer=g.user))


@blp.route("/specializations/<int:specialization_id>/points")
class SpecializationPoints(MethodView):
    @roles("captain", "admin")
    @blp.arguments(PointsIn)
    @blp.response(201, PointsOut)
    def post(self, data, specialization_id):
        """A person earned a knowledge session's points (R-PTS-2): once per window (409)."""
        return specializations.record_points(specialization_id, viewer_id=g.user.id, **data)


@blp.route("/specializations/<int:specialization_id>/renewals")
class SpecializationRenewals(MethodView):
    @blp.response(200, RenewalsOut)
    def get(self, specialization_id):
        specializations.get_specialization(specialization_id, viewer=g.user)
        return {"renewals": specializations.renewals_of(specialization_id)}

    @roles("captain", "admin")
    @blp.arguments(RenewalIn)
    @blp.response(201, RenewalOut)
    def post(self, data, specialization_id):
        """Renew (R-PTS-3): refused when short (422) unless `override_reason` is given."""
        return specializations.record_renewal(specialization_id, viewer_id=g.user.id, **data)
