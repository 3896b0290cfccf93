from marshmallow import Schema, fields, validate

from .. import grammar
from ..fields import Credits, Id, Text
from .models import DISPUTE_STATUSES


class DisputeCreate(Schema):
    reason = Text(required=True, min=1, max=grammar.REASON_MAX, multiline=True)


class DisputeResolve(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(("upheld", "denied")))
    note = Text(load_default=None, allow_none=True, max=grammar.REASON_MAX, multiline=True)


class DisputeOut(Schema):
    id = fields.Integer()
    debit_id = fields.Integer()
    status = fields.String()
    reason = fields.String()
    raised_by = fields.Function(lambda dispute: dispute.raised_by.username)
    created_at = fields.AwareDateTime()
    resolved_by = fields.Function(lambda dispute: dispute.resolved_by.username if dispute.resolved_by else None)
    resolved_at = fields.AwareDateTime(allow_none=True)
    note = fields.String(allow_none=True)
    reversed_amount = Credits()


class DisputeList(Schema):
    disputes = fields.List(fields.Nested(DisputeOut))


class DisputeQuery(Schema):
    status = fields.String(validate=validate.OneOf(DISPUTE_STATUSES))
    debit_id = Id()
