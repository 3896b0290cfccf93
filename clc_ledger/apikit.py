"""What every JSON API blueprint shares: exact-number parsing, bearer auth, the terms gate,
role checks, the error format of API.md, and the Credits field."""
import functools
import json

from flask import current_app, g, jsonify, request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from .accounts.services import user_for_token
from .errors import ClcError, N_, Words
from .fields import Credits  # noqa: F401  (where the schemas used to find it)
from .grammar import JsonNumber
from .idempotency import PARAMETER, idempotent


class ExactParser(FlaskParser):
    """JSON numbers become Decimal, never float: 12.345 must be refused, not rounded."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req):
        if not (req.mimetype and (req.mimetype == "application/json" or req.mimetype.endswith("+json"))):
            return core.missing
        data = req.get_data(cache=True)
        if not data:
            return core.missing
        return load_json(data)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise ClcMalformed()


class ClcMalformed(ClcError):
    code = 400

    def __init__(self, message=N_("The request body is not valid JSON."), **values):
        super().__init__("malformed_json", message, **values)


MAX_JSON_DEPTH = 32  # objects and arrays inside each other; the deepest schema needs 4
_TOO_DEEP = N_("The request body nests objects or arrays deeper than %(depth)s levels.")


def load_json(data):
    """A request body as JSON: numbers with a fraction or exponent as JsonNumber (never a
    float), NaN/Infinity refused, nesting deeper than MAX_JSON_DEPTH refused with 400."""
    try:
        document = json.loads(data, parse_float=JsonNumber, parse_constant=_refuse_constant)
    except RecursionError:
        raise ClcMalformed(_TOO_DEEP, depth=MAX_JSON_DEPTH) from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, an integer of more than 4300 digits
        raise ClcMalformed() from None
    if _depth(document) > MAX_JSON_DEPTH:
        raise ClcMalformed(_TOO_DEEP, depth=MAX_JSON_DEPTH)
    return document


def _depth(document):
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend((item, depth + 1) for item in value)
    return deepest


def _refuse_constant(name):
    raise json.JSONDecodeError(f"{name} is not allowed", name, 0)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = ExactParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(authenticate)

    def response(self, status_code, *args, creates=None, **kwargs):
        """As flask-smorest's; a view answering 201 creates something, so it also honours
        Idempotency-Key (clc_ledger.idempotency), documented on the operation, unless
        `creates=False` says it only answers 201 (a token: nothing to replay)."""
        decorator = super().response(status_code, *args, **kwargs)
        if int(status_code) != 201 or creates is False:
            return decorator
        def decorate(view):
            return self.doc(parameters=[PARAMETER])(idempotent(decorator(view)))

        return decorate

    def arguments(self, schema, *args, **kwargs):
        # One schema instance per view, made here: given a class, webargs would build one
        # (deep-copying its fields) on every request.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def public(view):
    """Mark a view as reachable without a token; the OpenAPI document says so (no security)."""
    view._clc_public = True
    apidoc = getattr(view, "_apidoc", None)
    if apidoc is not None:
        apidoc.setdefault("manual_doc", {})["security"] = []
    return view


def before_terms(view):
    """Mark a view as reachable before the Terms and Conditions are accepted (R-ACC-3)."""
    view._clc_before_terms = True
    return view


def _view_flag(flag):
    view = current_app.view_functions.get(request.endpoint)
    cls = getattr(view, "view_class", None)
    if cls is not None:
        method = getattr(cls, request.method.lower(), None)
        return getattr(method, flag, False)
    return getattr(view, flag, False)


def authenticate():
    """Before every API view: who is calling, and may they do anything yet?"""
    g.user = None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        g.user = user_for_token(token.strip())
    if request.method == "OPTIONS" or _view_flag("_clc_public"):
        return None
    if g.user is None:
        raise Unauthorized()
    if g.user.terms_accepted_at is None and not _view_flag("_clc_before_terms"):
        raise TermsNotAccepted()
    return None


class Unauthorized(ClcError):
    code = 401

    def __init__(self, message=N_("A valid bearer token is required."), error="unauthorized"):
        super().__init__(error, message)


class TooManyRequests(ClcError):
    code = 429

    def __init__(self, retry_after):
        super().__init__(f"Too many failed sign-in attempts; try again in {retry_after} seconds.")
        self.retry_after = retry_after


class TermsNotAccepted(ClcError):
    code = 403

    def __init__(self):
        super().__init__("terms_not_accepted",
                         N_("Accept the Terms and Conditions first (POST /api/v1/me/terms-acceptance)."))


class WrongRole(ClcError):
    code = 403
    error = "wrong_role"


def roles(*allowed):
    """Only these roles may call the view; checked before the body is even parsed."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.user is None or g.user.role not in allowed:
                raise WrongRole("wrong_role", N_("This action needs the role %(roles)s."),
                                roles=Words(allowed, "role"))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def error_body(code, message, errors=None, error=None, values=None):
    """API.md's error format, plus the stable `error` code and its `values` (R-TXT-1)."""
    body = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message,
            "error": error or _HTTP_ERROR_CODES.get(code, "error")}
    if values:
        body["values"] = values
    if errors:
        body["errors"] = errors
    return body


def error_response(code, message, errors=None, error=None, values=None):
    response = jsonify(error_body(code, message, errors, error, values))
    response.status_code = code
    return response


def clc_error_response(error: ClcError):
    return error_response(error.code, error.message, error.field_errors(), error.error, error.values_json())


_HTTP_ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                     405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                     422: "invalid_fields", 429: "too_many_requests", 500: "server_error"}

# Werkzeug's English descriptions of the HTTP errors, worded again in the reader's language.
HTTP_ERROR_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("A valid bearer token is required."),
    403: N_("You are not allowed to do this."),
    404: N_("There is nothing at this address."),
    405: N_("This method is not allowed here."),
    409: N_("The request conflicts with the current state."),
    413: N_("The request body is too large."),
    415: N_("This content type is not supported."),
    422: N_("The request could not be processed."),
    429: N_("Too many requests; try again later."),
    500: N_("Something went wrong on our side; nothing was changed."),
}


# Marshmallow's and the amount grammar's field messages that `_translated` words again.
FIELD_MESSAGES = (
    N_("Missing data for required field."), N_("Unknown field."), N_("Field may not be null."),
    N_("Not a valid string."), N_("Not a valid integer."), N_("Not a valid date."), N_("Not a valid boolean."),
    N_("Not a valid email address."), N_("Not a valid list."), N_("Invalid input type."),
    N_("Amount must be greater than zero."), N_("Amount may have at most 2 decimals (0.01 CLC = 1 USD)."),
    N_("Amount must not be negative."), N_("Amount is too large."), N_("Amount must be a finite number of credits."),
    N_("Amount must be a number of credits, e.g. \"12.50\"."),
    N_("Amount must be sent as a string or an exact number, not a float."),
)


def http_error_message(error: HTTPException):
    """The error's own description if a view gave one, else the reader's words for its status."""
    from flask_babel import gettext

    default = type(error).description
    if error.description and error.description != default:
        return gettext(error.description)
    text = HTTP_ERROR_MESSAGES.get(error.code)
    return gettext(text) if text else (error.description or HTTP_STATUS_CODES.get(error.code, ""))


def http_error_as_json(error: HTTPException):
    errors = None
    data = getattr(error, "data", None)
    if isinstance(data, dict):
        errors = data.get("messages") or data.get("errors")
    from flask_babel import gettext

    message = http_error_message(error)
    values = None
    if error.code == 422 and errors:
        fields = _field_names(errors)
        message = gettext("The request has invalid fields: %(fields)s.", fields=", ".join(fields))
        values = {"fields": fields}
        errors = _translated(errors)
    response = error_response(error.code, message, errors, values=values)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _translated(errors):
    """Marshmallow's and our field messages, in the reader's language where we have the words."""
    from flask_babel import gettext

    if isinstance(errors, dict):
        return {key: _translated(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_translated(value) for value in errors]
    if isinstance(errors, str):
        return gettext(errors)
    return errors


def _field_names(errors):
    names = []
    for location in errors.values():
        if isinstance(location, dict):
            names.extend(str(name) for name in location)
    return names or ["body"]
