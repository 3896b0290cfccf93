"""Sign in and out, the Terms and Conditions, the language switcher, one's own password.

Server-side invalidation: the session remembers the person's `session_epoch` (inside the
Flask-Login id, "user_id:epoch"). Signing out and changing the password bump the epoch in
the database, so a copy of an older session cookie no longer signs anyone in.
"""
from flask import current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_babel
from flask_login import current_user, login_user, logout_user
from flask_login.mixins import UserMixin

from ..accounts import services as accounts
from ..accounts.models import User
from ..errors import ClcError
from ..accounts import throttle
from ..extensions import db
from .common import back, bp, viewer
from .forms import LanguageForm, PasswordForm, SignInForm, TermsForm

# Pages reachable before signing in, and before accepting the terms (R-ACC-3).
PUBLIC_ENDPOINTS = {"web.sign_in", "web.set_language", "web.static"}
BEFORE_TERMS_ENDPOINTS = PUBLIC_ENDPOINTS | {"web.sign_out", "web.terms"}


class SessionUser(UserMixin):
    """Flask-Login's view of a User; the id carries the session epoch."""

    def __init__(self, user):
        self.user = user

    def get_id(self):
        return f"{self.user.id}:{self.user.session_epoch}"

    @property
    def is_active(self):
        return bool(self.user.active)

    def __getattr__(self, name):
        return getattr(self.user, name)


def load_user(session_id):
    """The person of this session, or None if the session was ended (stale epoch)."""
    user_id, _sep, epoch = (session_id or "").partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return SessionUser(user)


@bp.before_app_request
def forget_previous_request():
    """`g` outlives a request when an app context was already pushed (tests, CLI): the
    person is looked up again on every request, from the session alone."""
    g.pop("_login_user", None)
    g.pop("sign_in_failed", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF's per-request token
    refresh_babel()  # the language is chosen again from this request's session


@bp.before_request
def require_sign_in_and_terms():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.terms_accepted_at is None and request.endpoint not in BEFORE_TERMS_ENDPOINTS:
        return redirect(url_for("web.terms", next=request.full_path.rstrip("?") if request.method == "GET" else None))
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            throttle.check_allowed(form.username.data, request.remote_addr)
        except throttle.TooManyTries as refused:
            return too_many_sign_ins(form, refused.retry_after)
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session: nothing carried over from before signing in
            if lang:
                session["lang"] = lang
            login_user(SessionUser(user))
            return back()
        g.sign_in_failed = True
        throttle.record_failure(form.username.data, request.remote_addr)
        form.password.errors.append(_("Wrong username or password."))
    refused = request.method == "POST" and not g.get("sign_in_failed") and form.errors
    return render_template("web/sign_in.html", form=form), 422 if refused else 200


def too_many_sign_ins(form, retry_after):
    minutes = max(1, -(-retry_after // 60))
    message = _("Too many failed sign-in attempts. Wait %(minutes)s minutes, then try again.", minutes=minutes)
    response = make_response(render_template("web/sign_in.html", form=form, locked_out=message), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.post("/sign-out")
def sign_out():
    accounts.sign_out(viewer().id)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("web.sign_in"))


@bp.route("/terms", methods=["GET", "POST"])
def terms():
    form = TermsForm()
    if form.validate_on_submit():
        accounts.accept_terms(viewer().id)
        return back()
    return render_template("web/terms.html", form=form)


@bp.app_context_processor
def page_globals():
    """The language switcher and the supported languages, on every page."""
    return {"language_form": LanguageForm(formdata=None, lang=session.get("lang") or str(_current_locale()))}


def _current_locale():
    from flask_babel import get_locale

    return get_locale() or "en"


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
    return back()


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = viewer()
        if not accounts.check_password(user, form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            try:
                changed = accounts.change_password(user.id, form.new.data)
            except ClcError as error:  # the password policy (accounts.password_policy)
                form.new.errors.append(error.message)
            else:
                # Every other session of this person is now dead; this one continues.
                login_user(SessionUser(changed))
                flash(_("Your password was changed. Other sessions were signed out."), "success")
                return redirect(url_for("web.home"))
        return render_template("web/password.html", form=form), 422
    return render_template("web/password.html", form=form), 422 if request.method == "POST" else 200
