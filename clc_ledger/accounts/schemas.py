from marshmallow import Schema, fields, validate

from .. import grammar
from ..fields import Email, Id, Pattern, Text
from .models import ROLES


class TokenRequest(Schema):
    username = Text(required=True, max=grammar.USERNAME_MAX)
    password = Text(required=True, load_only=True, max=grammar.PASSWORD_MAX)


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
    name = Text(required=True, min=1, max=grammar.NAME_MAX)
    country = Text(required=True, min=2, max=2, metadata={"example": "US"})
    locale = Text(load_default="en_US", min=2, max=16)
    captain_approval_required = fields.Boolean(load_default=False)
    statement_recipients = fields.List(Email(), load_default=list, validate=validate.Length(max=20))


class CompanyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    country = fields.String()
    locale = fields.String()
    captain_approval_required = fields.Boolean()
    statement_recipients = fields.List(fields.String())
    created_at = fields.AwareDateTime()


class UserCreate(Schema):
    username = Text(required=True, max=grammar.USERNAME_MAX, validate=Pattern(r"^[A-Za-z0-9._@-]{2,80}$"))
    email = Email(required=True)
    password = Text(required=True, load_only=True, min=1, max=grammar.PASSWORD_MAX)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    company_id = Id(load_default=None, allow_none=True)


class UserUpdate(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    email = Email()


class UserOut(Me):
    active = fields.Boolean()
    created_at = fields.AwareDateTime()


class UserList(Schema):
    users = fields.List(fields.Nested(UserOut))


class UserQuery(Schema):
    company_id = Id()
