"""The application factory and the small register_* helpers it calls."""
import json
import logging
import os
from decimal import Decimal
from pathlib import Path

from flask import Flask, current_app, make_response, render_template, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.exc import DataError
from sqlalchemy.orm import configure_mappers
from flask_babel import lazy_gettext as _l
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .accounts.api import blp as accounts_api
from .apikit import clc_error_response, http_error_as_json, http_error_message
from .clock import test_clock_enabled
from .clock_api import blp as clock_api
from .commands import register as register_product_commands
from .db import configure_engine, end_transaction
from .disputes.api import blp as disputes_api
from .errors import ClcError, RuleViolation
from .grammar import MAX_STORED_ID, text_problem
from .doctor import ConfigError, redacted
from .extensions import api, babel, csrf, db, login_manager, migrate
from .health import blp as health_api
from .i18n import select_locale, select_timezone
from .jobs.api import blp as jobs_api
from .learning.api import blp as learning_api, feeds as learning_feeds
from .ledger.api import blp as ledger_api
from .notifications import debit_notices  # noqa: F401  (receives the ledger's debit_notice)
from .notifications import expiry_notices  # noqa: F401  (receives the ledger's credits_expired)
from .reissues import services as reissues  # noqa: F401  (receives the ledger's credits_returned)
from .reissues.api import blp as reissues_api
from .statements import services as statements  # noqa: F401  (answers the ledger's months_stated)
from .statements.api import blp as statements_api
from .web.site import register as register_web

log = logging.getLogger(__name__)


class ExactJSONProvider(DefaultJSONProvider):
    """Request bodies parse numbers as Decimal, so no amount ever passes through a float."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        return json.loads(s, **kwargs)


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True, instance_path=_instance_path())
    app.json = ExactJSONProvider(app)
    app.json.sort_keys = False  # fields in the order the schemas declare them
    app.config.from_mapping(config_module.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    _configure_database(app)
    app.url_map.converters["int"] = IdConverter  # before any route: every <int:...> is an id

    register_extensions(app)
    register_request_guards(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    # Now, once, rather than in the first request or job of each process; a mapping
    # mistake also shows at start-up.
    configure_mappers()
    return app


def _instance_path(environ=os.environ, package=Path(__file__).resolve().parent):
    """The data directory: config.py, the SQLite database and .eml mail. CLC_INSTANCE_PATH,
    else `instance/` beside the package in a checkout (its contents git-ignored), else the
    user's data directory (~/.local/share/clc-ledger on Linux), never inside site-packages."""
    override = environ.get("CLC_INSTANCE_PATH")
    if override:
        return os.path.abspath(override)
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file():
        return str(checkout / "instance")
    import platformdirs

    return platformdirs.user_data_dir("clc-ledger", appauthor=False)


def _configure_database(app):
    os.makedirs(app.instance_path, exist_ok=True)
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{Path(app.instance_path) / 'clc_ledger.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalize_database_url(url)
    if url.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        # A file on this machine does not go stale as a server connection can: a ping
        # before every checkout would be one more statement in every request.
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def register_extensions(app):
    db.init_app(app)

    @app.teardown_appcontext
    def _end_reads(error):
        # Runs before Flask-SQLAlchemy's own teardown (registered earlier, run later), which
        # would roll back: see end_transaction.
        if error is None:
            try:
                end_transaction(db.session())
            except Exception:  # a read-only transaction failing to commit: nothing is lost
                app.logger.exception("Ending a request's read transaction failed")

    with app.app_context():
        configure_engine(db.engine)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(Path(__file__).resolve().parent / "translations"),
                   default_domain="messages")
    login_manager.init_app(app)
    csrf.init_app(app)
    _check_rate_limit_storage(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    api.init_app(app, spec_kwargs={
        "info": {"description": API_DESCRIPTION},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })


def _check_rate_limit_storage(app):
    """A `limits` storage named by CLC_RATELIMIT_STORAGE_URI that cannot even be built (redis://
    without the Redis client) stops every command with the fix, not a traceback."""
    uri = app.config.get("CLC_RATELIMIT_STORAGE_URI")
    if not uri:
        return
    try:
        storage_from_string(uri)
    except ConfigurationError as error:
        hint = " Install it with: pip install 'clc-ledger[redis]'" if uri.startswith("redis") else ""
        raise ConfigError(f"CLC_RATELIMIT_STORAGE_URI={redacted(uri)}: {str(error).rstrip('.')}.{hint}") from None


class IdConverter(IntegerConverter):
    """`<int:x>` in every route: ASCII digits of a positive id, else 404 (R-MON-3). Every id in a
    path is a 32-bit column, so a larger one (up to 2^63 - 1 by the grammar) names nothing: 404
    here, before PostgreSQL would refuse to compare it."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_STORED_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def register_request_guards(app):
    """Checks every request passes before any view: text that no field may hold (NUL, other
    C0 controls but tab and newline, unpaired surrogates) in the path is 404, in the query
    string or a form 422 (R-TXT-2); the fields check their own limits after this."""

    @app.before_request
    def limit_unsized_bodies():
        # A chunked body has no Content-Length to refuse up front, and Werkzeug stops reading
        # it at MAX_CONTENT_LENGTH without a word: a body that fills the limit was cut (R-SEC-1).
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length is None and request.environ.get("wsgi.input_terminated"):
            if len(request.get_data(cache=True)) >= limit:
                raise RequestEntityTooLarge()

    @app.before_request
    def refuse_unstorable_text():
        if not _storable(request.path):
            raise NotFound()
        for values in (request.args, request.form if request.mimetype in _FORM_TYPES else None):
            for key, value in (values.items(multi=True) if values else ()):
                if not (_storable(key) and _storable(value)):
                    raise RuleViolation(str(_l("The request contains a control character or invalid Unicode.")),
                                        {key if _storable(key) else "?": [str(_l("Not allowed here."))]})
        return None


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _storable(text):
    return text.isprintable() or text_problem(text, multiline=True) is None


API_DESCRIPTION = """The CLC Ledger API. Authenticate with `POST /api/v1/auth/tokens`, then send
`Authorization: Bearer <token>`; operations marked with no security (the token endpoint, `/health`)
need no token.

What every request may say (R-MON-2, R-MON-3, R-TXT-2, R-SEC-1):

- **Amounts** are credits (1 CLC = 100 USD): ASCII digits, optionally a point and 1 or 2 decimals,
  as a string (`"12.50"`) or a JSON number of the same shape; from 0.01 to 999999999.99. Exponents,
  underscores, signs, spaces, separators and non-ASCII digits are refused with 422.
- **Dates** are `YYYY-MM-DD`, real calendar dates from 2000-01-01 to 2099-12-31.
- **Ids** are integers from 1 to 9223372036854775807: another value in a path is 404, in a body or
  query 422.
- **Text** has the maximum its field states, counted in Unicode code points (descriptions,
  justifications and plan items 500, reasons and notes 1000, names 200, email addresses 254);
  longer is 422, never cut. NUL, other control characters (newline and tab only in multi-line
  fields: descriptions, reasons, notes, justifications) and unpaired surrogates are 422.
- **Bodies** are at most 1 MB (413; evidence uploads will have 10 MB) and JSON nests at most 32
  levels (400).
- **Failed sign-ins** are limited per account and address (10 per 15 minutes), per account (50) and
  per address (100): then 429 with `Retry-After`.
- **Idempotency-Key** on every operation that creates (answers 201): the same key and request
  returns the first response and creates nothing.

Errors always have the form `{"code", "status", "message", "errors"?}`."""


def register_blueprints(app):
    api.register_blueprint(accounts_api)
    api.register_blueprint(ledger_api)
    api.register_blueprint(jobs_api)
    api.register_blueprint(disputes_api)
    api.register_blueprint(reissues_api)
    api.register_blueprint(statements_api)
    api.register_blueprint(health_api)
    api.register_blueprint(learning_api)
    app.register_blueprint(learning_feeds)
    if test_clock_enabled(app):
        api.register_blueprint(clock_api)

    import swagger_ui_bundle

    assets = swagger_ui_bundle.swagger_ui_path

    @app.get("/api/v1/docs-assets/<path:filename>")
    def api_docs_assets(filename):
        return send_from_directory(assets, filename)

    register_web(app)  # the pages for people, at "/"


def register_error_handlers(app):
    def wants_json():
        return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"

    @app.errorhandler(ClcError)
    def handle_rule_error(error):
        if wants_json():
            response = clc_error_response(error)
        else:
            response = make_response(render_template("error.html", code=error.code, message=error.message),
                                     error.code)
        if getattr(error, "retry_after", None):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        if wants_json():
            return http_error_as_json(error)
        return render_template("error.html", code=error.code, message=http_error_message(error)), error.code

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        if isinstance(error, DataError) and getattr(error.orig, "sqlstate", None) == "22003":
            # A grammatical id (below 2^63) beyond what a 32-bit id column holds, in a body or
            # query: it names nothing, and nothing was written (R-MON-3).
            db.session.rollback()
            return handle_rule_error(RuleViolation(str(_l("A number in the request is larger than any that "
                                                          "exists here (ids go up to 2147483647)."))))
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return handle_http_error(InternalServerError("Something went wrong on our side; nothing was changed."))


def register_commands(app):
    register_product_commands(app)
