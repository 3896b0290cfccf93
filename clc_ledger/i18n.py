"""Languages. Two gettext domains under clc_ledger/translations/: `messages` for the web pages,
`mail` for emails, statements and their PDF/CSV. Catalogs (*.po) are committed; `make
translations` compiles them (*.mo are build output).

Extract and update after changing texts: `make catalogs` (see the Makefile), then translate
the new entries in clc_ledger/translations/{de,ja,fr}/LC_MESSAGES/*.po.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain, force_locale

from .accounts.models import Company
from .extensions import db

mail_domain = Domain(domain="mail")
# The mail catalog of the locale `in_locale` forces: flask-babel looks the locale and its
# catalog up again on every call (~7 us), and a statement asks for some fifty texts.
_mail_catalog = ContextVar("mail_catalog", default=None)


def _catalog():
    catalog = _mail_catalog.get()
    return mail_domain.get_translations() if catalog is None else catalog


def _m(text, **variables):
    """gettext in the mail domain (emails, statements), in the locale forced by `in_locale`."""
    text = _catalog().ugettext(text)
    return text % variables if variables else text


def _mn(singular, plural, number, **variables):
    variables.setdefault("num", number)
    return _catalog().ungettext(singular, plural, number) % variables


lazy_m = mail_domain.lazy_gettext


def supported_languages():
    return current_app.config["CLC_SUPPORTED_LOCALES"]


def language_of(locale):
    """'de' for 'de_DE'; English for anything we have no translation for."""
    language = (locale or "en").replace("-", "_").split("_")[0].lower()
    return language if language in supported_languages() else "en"


def select_locale():
    """Pages: the language chosen in the switcher, else the browser's, else the user's
    company's, else English. API: `Accept-Language`, else the user's company's, else English."""
    if has_request_context():
        if not request.path.startswith("/api/"):
            chosen = session.get("lang")
            if chosen in supported_languages():
                return chosen
        best = request.accept_languages.best_match(supported_languages())
        if best:
            return best
        return _user_language() or "en"
    return g.get("forced_locale") or "en"


def _user_language():
    """The language of the signed-in user's company, if any (admins have none)."""
    if request.path.startswith("/api/"):
        user = g.get("user")  # set by the API's bearer authentication
    else:
        from flask_login import current_user

        user = getattr(current_user, "user", None) if current_user and current_user.is_authenticated else None
    company_id = getattr(user, "company_id", None)
    if company_id is None:
        return None

    company = db.session.get(Company, company_id)
    return language_of(company.locale) if company else None


def select_timezone():
    return current_app.config["CLC_TIMEZONE"]


@contextmanager
def in_locale(locale):
    """Render mail or a statement in a company's language, outside or inside a request."""
    with force_locale(language_of(locale)):
        token = _mail_catalog.set(mail_domain.get_translations())
        try:
            yield
        finally:
            _mail_catalog.reset(token)
