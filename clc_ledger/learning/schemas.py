from datetime import date

from marshmallow import Schema, fields, validate

from .. import grammar
from ..apikit import Credits
from ..fields import Text
from ..ledger.models import ELIGIBLE_CATEGORIES
from .models import CLAIM_STATUSES, DELIVERIES, EXAM_KINDS, LEVELS

ID = validate.Range(min=1, max=2**63 - 1)
EARLIEST = date(1990, 1, 1)
LATEST = date(2099, 12, 31)
DAY = validate.Range(min=date(2000, 1, 1), max=LATEST)
EARNED_DAY = validate.Range(min=EARLIEST, max=LATEST)  # R-MON-3: earned_on may go back to 1990


class PersonCreate(Schema):
    name = Text(required=True, min=1, max=grammar.NAME_MAX)
    email = Text(required=True, min=3, max=grammar.EMAIL_MAX)
    company_id = fields.Integer(load_default=None, validate=ID)
    cisco_id = Text(load_default=None, allow_none=True, max=64)
    user_id = fields.Integer(load_default=None, allow_none=True, validate=ID)


class PersonUpdate(Schema):
    name = Text(min=1, max=grammar.NAME_MAX)
    email = Text(min=3, max=grammar.EMAIL_MAX)
    cisco_id = Text(allow_none=True, max=64)
    user_id = fields.Integer(allow_none=True, validate=ID)
    active = fields.Boolean()


class PersonOut(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    cisco_id = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class PeopleOut(Schema):
    people = fields.List(fields.Nested(PersonOut))


class PeopleQuery(Schema):
    company_id = fields.Integer(validate=ID)


class CertificationCreate(Schema):
    name = Text(required=True, min=1, max=grammar.NAME_MAX)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    earned_on = fields.Date(required=True, validate=EARNED_DAY)
    cycle_started_on = fields.Date(load_default=None, validate=EARNED_DAY)


class CiscoDateIn(Schema):
    cycle_started_on = fields.Date(required=True, validate=EARNED_DAY)


class CertificationOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    name = fields.String()
    level = fields.String()
    status = fields.String()
    earned_on = fields.Date()
    cycle_started_on = fields.Date()
    expires_on = fields.Date(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    required = fields.Integer()
    earned = fields.Integer()
    pending = fields.Integer()
    projected = fields.Integer()
    gap = fields.Integer()
    best_pathway = fields.Dict(allow_none=True)
    met = fields.Boolean()
    at_risk = fields.Boolean()
    warnings = fields.List(fields.Dict())


class CertificationsOut(Schema):
    certifications = fields.List(fields.Nested(CertificationOut))


class ExamCreate(Schema):
    code = Text(required=True, min=1, max=64)
    kind = fields.String(required=True, validate=validate.OneOf(EXAM_KINDS))
    passed_on = fields.Date(required=True, validate=DAY)


class ExamOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    code = fields.String()
    kind = fields.String()
    passed_on = fields.Date()
    warnings = fields.List(fields.Dict())


class CeItemCreate(Schema):
    code = Text(required=True, min=1, max=64)
    title = Text(required=True, min=1, max=grammar.NAME_MAX)
    credits = fields.Integer(required=True, strict=True)
    delivery = fields.String(required=True, validate=validate.OneOf(DELIVERIES))
    clc_category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(ELIGIBLE_CATEGORIES))
    list_price = Credits(load_default=None, allow_none=True)
    points = fields.Integer(load_default=None, allow_none=True, strict=True)
    specializations = fields.List(Text(max=grammar.NAME_MAX), load_default=None)


class CeItemOut(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    credits = fields.Integer()
    delivery = fields.String()
    clc_category = fields.String(allow_none=True)
    list_price = Credits(allow_none=True)
    points = fields.Integer(allow_none=True)
    specializations = fields.List(fields.String())


class CeItemsOut(Schema):
    ce_items = fields.List(fields.Nested(CeItemOut))


class CeItemQuery(Schema):
    q = Text(max=grammar.NAME_MAX)


class ClaimCreate(Schema):
    person_id = fields.Integer(required=True, validate=ID)
    ce_item_id = fields.Integer(required=True, validate=ID)
    completed_on = fields.Date(required=True, validate=DAY)
    validation_code = Text(load_default=None, allow_none=True, max=100)


class ClaimComplete(Schema):
    completed_on = fields.Date(required=True, validate=DAY)
    validation_code = Text(load_default=None, allow_none=True, max=100)


class ClaimDeny(Schema):
    reason = Text(required=True, min=1, max=grammar.REASON_MAX, multiline=True)


class EvidenceOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    mimetype = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class ClaimOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    ce_item_id = fields.Integer()
    debit_id = fields.Integer(allow_none=True)
    status = fields.String()
    credits = fields.Integer()
    completed_on = fields.Date(allow_none=True)
    expected_on = fields.Date(allow_none=True)
    validation_code = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    flagged = fields.Boolean()
    warnings = fields.List(fields.Dict())


class ClaimsOut(Schema):
    claims = fields.List(fields.Nested(ClaimOut))


class ClaimQuery(Schema):
    person_id = fields.Integer(validate=ID)
    status = fields.String(validate=validate.OneOf(CLAIM_STATUSES))
    debit_id = fields.Integer(validate=ID)


class LearningQuery(Schema):
    status = fields.String(validate=validate.OneOf(("at_risk", "active", "expired")))
    within_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=20000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**9))


class LearningOut(Schema):
    rows = fields.List(fields.Raw())
    next_offset = fields.Integer(allow_none=True, metadata={"description": "Where the next page starts; null "
                                                            "on the last page."})


class CalendarTokenOut(Schema):
    token = fields.String()
    url = fields.String()
