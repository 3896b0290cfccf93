"""The application factory and the small register_* helpers it calls."""
import json
import logging
import os
from decimal import Decimal
from pathlib import Path

from flask import Flask, current_app, render_template, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.orm import configure_mappers
from werkzeug.exceptions import HTTPException, InternalServerError

from . import config as config_module
from .apikit import clc_error_response, http_error_as_json, http_error_message
from .db import configure_engine, end_transaction
from .errors import ClcError
from .extensions import api, babel, csrf, db, limiter, login_manager, migrate

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

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    # Now, once, rather than in the first request or job of each process (~30 ms); a mapping
    # mistake also shows at start-up.
    configure_mappers()
    return app


def _instance_path():
    # The instance folder sits beside the package in a checkout (git-ignored contents).
    override = os.environ.get("CLC_INSTANCE_PATH")
    return override or str(Path(__file__).resolve().parent.parent / "instance")


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
    from .i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(Path(__file__).resolve().parent / "translations"),
                   default_domain="messages")
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    api.init_app(app, spec_kwargs={
        "info": {"description": "The CLC Ledger API. Amounts are exact strings of credits with 2 decimals "
                                "(1 CLC = 100 USD). Authenticate with `POST /api/v1/auth/tokens`."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })


def register_blueprints(app):
    from .accounts.api import blp as accounts_api
    from .clock_api import blp as clock_api
    from .disputes.api import blp as disputes_api
    from .health import blp as health_api
    from .jobs.api import blp as jobs_api
    from .ledger.api import blp as ledger_api
    from .reissues.api import blp as reissues_api
    from .statements.api import blp as statements_api

    api.register_blueprint(accounts_api)
    api.register_blueprint(ledger_api)
    api.register_blueprint(jobs_api)
    api.register_blueprint(disputes_api)
    api.register_blueprint(reissues_api)
    api.register_blueprint(statements_api)
    api.register_blueprint(health_api)
    from .clock import test_clock_enabled

    if test_clock_enabled(app):
        api.register_blueprint(clock_api)

    import swagger_ui_bundle

    assets = swagger_ui_bundle.swagger_ui_path

    @app.get("/api/v1/docs-assets/<path:filename>")
    def api_docs_assets(filename):
        return send_from_directory(assets, filename)

    from .web import register as register_web

    register_web(app)  # the pages for people, at "/"


def register_error_handlers(app):
    def wants_json():
        return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"

    @app.errorhandler(ClcError)
    def handle_rule_error(error):
        if wants_json():
            return clc_error_response(error)
        return render_template("error.html", code=error.code, message=error.message), error.code

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        if wants_json():
            return http_error_as_json(error)
        return render_template("error.html", code=error.code, message=http_error_message(error)), error.code

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return handle_http_error(InternalServerError("Something went wrong on our side; nothing was changed."))


def register_commands(app):
    from .cli import register

    register(app)
