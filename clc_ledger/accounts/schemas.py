from marshmallow import Schema, fields, validate

from .models import ROLES


class TokenRequest(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenResponse(Schema):
    token = fields.String()
    expires_at = fields.AwareDateTime()


class Me(Schema):
    id = fields.Integer()
    username = fields.String()
    email = fields.String()
    role = fields.String()
    company_id = fields.Integer(allow_none=True)
    terms_accepted_at = fields.AwareDateTime(allow_none=True)


class CompanyCreate(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    country = fields.String(required=True, validate=validate.Length(equal=2))
    locale = fields.String(load_default="en_US", validate=validate.Length(min=2, max=16))
    captain_approval_required = fields.Boolean(load_default=False)
    statement_recipients = fields.List(fields.Email(), load_default=list)


class CompanyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    country = fields.String()
    locale = fields.String()
    captain_approval_required = fields.Boolean()
    statement_recipients = fields.List(fields.String())
    created_at = fields.AwareDateTime()


class UserCreate(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._@-]{2,80}$"))
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    company_id = fields.Integer(load_default=None, allow_none=True)


class UserUpdate(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    email = fields.Email()


class UserOut(Me):
    active = fields.Boolean()
    created_at = fields.AwareDateTime()


class UserList(Schema):
    users = fields.List(fields.Nested(UserOut))


class UserQuery(Schema):
    company_id = fields.Integer()
