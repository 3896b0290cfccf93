from marshmallow import Schema, fields, validate

from .. import grammar
from ..fields import Credits, Day, Text
from .models import REISSUE_STATUSES


class PlanLineIn(Schema):
    item = Text(required=True, min=1, max=grammar.DESCRIPTION_MAX)
    category = Text(required=True, max=40, metadata={"description": "An eligible category (R-DEB-2), snake_case."})
    planned_on = Day(required=True)
    credits = Credits(required=True)


class ReissueRequestCreate(Schema):
    justification = Text(load_default="", max=grammar.DESCRIPTION_MAX, multiline=True)
    training_plan = fields.List(fields.Nested(PlanLineIn), required=True, validate=validate.Length(min=1, max=50),
                                metadata={"description": "Must total exactly the amount to be reissued; "
                                          "dates within 6 months of the request (R-RSS-2)."})


class RejectRequest(Schema):
    reason = Text(required=True, min=1, max=grammar.REASON_MAX, multiline=True)


class ReissueQuery(Schema):
    status = fields.String(validate=validate.OneOf(REISSUE_STATUSES))


class PlanLineOut(Schema):
    item = fields.String()
    category = fields.String()
    planned_on = fields.Date()
    credits = Credits()


class ReissueRequestOut(Schema):
    id = fields.Integer()
    so_number = fields.Function(lambda request: request.sales_order.so_number)
    status = fields.String()
    amount = Credits(metadata={"description": "What would be reissued when the request was made."})
    justification = fields.String()
    requested_by = fields.Function(lambda request: request.requested_by.username)
    created_at = fields.AwareDateTime()
    reviewed_by = fields.Function(lambda request: request.reviewed_by.username if request.reviewed_by else None)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    new_so_number = fields.Function(
        lambda request: request.new_sales_order.so_number if request.new_sales_order else None)
    training_plan = fields.List(fields.Nested(PlanLineOut), attribute="plan_lines")


class ReissueApprovalOut(ReissueRequestOut):
    amount = Credits(attribute="new_sales_order.credits",
                     metadata={"description": "The credits of the new reissue sales order."})
    requested_amount = Credits(attribute="amount")
    expires_on = fields.Date(attribute="new_sales_order.expires_on")


class ReissueListOut(Schema):
    reissue_requests = fields.List(fields.Nested(ReissueRequestOut))
