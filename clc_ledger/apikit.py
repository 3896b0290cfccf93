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

from .errors import ClcError
from .fields import Credits  # noqa: F401  (where the schemas used to find it)
from .grammar import JsonNumber


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

    def __init__(self, message="The request body is not valid JSON."):
        super().__init__(message)


MAX_JSON_DEPTH = 32  # objects and arrays inside each other; the deepest schema needs 4


def load_json(data):
    """A request body as JSON: numbers with a fraction or exponent as JsonNumber (never a
    float), NaN/Infinity refused, nesting deeper than MAX_JSON_DEPTH refused with 400."""
    try:
        document = json.loads(data, parse_float=JsonNumber, parse_constant=_refuse_constant)
    except RecursionError:
        raise ClcMalformed(f"The request body nests objects or arrays deeper than {MAX_JSON_DEPTH} levels.") from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, an integer of more than 4300 digits
        raise ClcMalformed() from None
    if _depth(document) > MAX_JSON_DEPTH:
        raise ClcMalformed(f"The request body nests objects or arrays deeper than {MAX_JSON_DEPTH} levels.")
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
        from .idempotency import PARAMETER, idempotent

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
    from .accounts.services import user_for_token

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

    def __init__(self, message="A valid bearer token is required."):
        super().__init__(message)


class TooManyRequests(ClcError):
    code = 429

    def __init__(self, retry_after):
        super().__init__(f"Too many failed sign-in attempts; try again in {retry_after} seconds.")
        self.retry_after = retry_after


class TermsNotAccepted(ClcError):
    code = 403

    def __init__(self):
        super().__init__("Accept the Terms and Conditions first (POST /api/v1/me/terms-acceptance).")


class WrongRole(ClcError):
    code = 403


def roles(*allowed):
    """Only these roles may call the view; checked before the body is even parsed."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.user is None or g.user.role not in allowed:
                raise WrongRole(f"This action needs the role {' or '.join(allowed)}.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def current_user():
    return g.user


def error_body(code, message, errors=None):
    body = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message}
    if errors:
        body["errors"] = errors
    return body


def error_response(code, message, errors=None):
    response = jsonify(error_body(code, message, errors))
    response.status_code = code
    return response


def http_error_as_json(error: HTTPException):
    errors = None
    data = getattr(error, "data", None)
    if isinstance(data, dict):
        errors = data.get("messages") or data.get("errors")
    message = error.description or HTTP_STATUS_CODES.get(error.code, "")
    if error.code == 422 and errors:
        message = "The request has invalid fields: " + ", ".join(_field_names(errors)) + "."
    response = error_response(error.code, message, errors)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _field_names(errors):
    names = []
    for location in errors.values():
        if isinstance(location, dict):
            names.extend(str(name) for name in location)
    return names or ["body"]
