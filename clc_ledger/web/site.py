"""The pages people use, put together: sessions, security headers, CSRF, the one blueprint of
views and learning's, the template filters. Views are thin: they parse a form, call the same
service functions as the JSON API, and show the result or the service's error. No rule lives
here. (Not in web/__init__.py: importing web.common, as learning's pages do, would then
import every page, and through web.labels learning's pages again.)
"""
from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_babel import lazy_gettext as _l
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError

from .. import errors
from ..extensions import csrf, login_manager
from ..learning.views import pages as learning_pages
from . import admin, auth, common, deadlines, debits, disputes, home, jobs, labels, reissues, statements  # noqa: F401  (views attach to the blueprint)
from .common import bp

# The words of the codes a refusal names (errors.Word, errors.Words) are the pages' labels:
# lent to errors, which every feature imports and so cannot import them.
errors.WORD_TABLES.update(category=labels.ALL_CATEGORY_LABELS, status=labels.STATUS_LABELS, role=labels.ROLE_LABELS)

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def secure_cookies(app):
    """Secure session cookies everywhere except tests, debugging and plain-http set-ups."""
    setting = app.config.get("CLC_SECURE_COOKIES")
    if setting is not None:
        return bool(setting)
    if app.testing or app.debug or app.config.get("CLC_TESTING"):
        return False
    base = urlsplit(app.config.get("CLC_BASE_URL") or "")
    return base.scheme != "http"


def register(app):
    secure = secure_cookies(app)
    Talisman(
        app,
        force_https=False,  # TLS ends at the proxy in front; HSTS still goes out on https
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=[],
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    app.config["SESSION_COOKIE_SECURE"] = secure

    # CSRF: every form of the pages; the JSON API under /api/ uses bearer tokens, not cookies.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def protect_forms():
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.path.startswith("/api/"):
            csrf.protect()

    @app.errorhandler(CSRFError)
    def form_not_trusted(_error):
        message = _("This form was not sent from a page of this site, or it expired. Go back, reload the page "
                    "and try again. Nothing was changed.")
        return render_template("error.html", code=400, message=message), 400

    login_manager.login_view = "web.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(auth.load_user)

    app.register_blueprint(bp)
    app.register_blueprint(learning_pages)
    _register_filters(app)

    @app.get("/favicon.ico")
    def favicon():
        """Browsers ask here before they read a page's <link rel="icon">."""
        return redirect(url_for("static", filename="favicon.svg"), 301)


def _register_filters(app):
    app.jinja_env.globals["get_locale"] = get_locale

    app.jinja_env.filters.update(
        clc=common.clc, usd=common.usd, day=common.day, month=common.month, status_label=labels.status_label,
        category_label=labels.category_label, role_label=labels.role_label, job_label=labels.job_label,
        trigger_label=labels.trigger_label, job_result=labels.job_result,
        expiry_moment=deadlines.expiry_moment,
    )

