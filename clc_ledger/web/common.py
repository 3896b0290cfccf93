"""What every page shares: the blueprint, who is looking, roles, money and date formatting."""
import functools
from urllib.parse import unquote, urlsplit

from babel.dates import format_skeleton
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import format_date, get_locale
from flask_login import current_user

from ..errors import ClcError, Forbidden, N_
from ..money import format_clc, format_usd

bp = Blueprint("web", __name__, template_folder="templates")


def viewer():
    """The signed-in person as the services know them (an accounts.models.User)."""
    return current_user.user


def roles_required(*allowed):
    """Only these roles may open the page; others get 403 (their own company's data is
    still guarded by the services, which answer 404 for another company's)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if viewer().role not in allowed:
                raise Forbidden("wrong_role", N_("This page is not available to your role."))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def locale_name():
    return str(get_locale() or "en")


def clc(hundredths):
    return format_clc(hundredths or 0, locale_name())


def usd(hundredths):
    return format_usd(hundredths or 0, locale_name())


def day(value, format="medium"):
    return format_date(value, format) if value else "—"


def month(value, skeleton="yMMMM"):
    """A month as the reader's language writes it: 'December 2026', '2026年12月' (CLDR
    skeletons, so the order of year and month follows the locale)."""
    return format_skeleton(skeleton, value, locale=locale_name()) if value else "—"


def status_filter(allowed, default):
    """The `?status=` of a queue page, if it is one of `allowed`; else `default`."""
    status = request.args.get("status", default)
    return status if status in allowed else default


def flash_error(error: ClcError):
    """A rule refused the action: say why; the service changed nothing."""
    flash(error.message, "error")


def safe_target(target):
    """`target` if it is a path of this site, else None (R-SEC-1).

    Only a relative path: one "/", then no second slash or backslash that a browser would
    read as another host, no scheme or host, no spaces or control characters (browsers drop
    tabs and newlines from URLs, so "/%09/evil.example" decoded is "//evil.example", and a
    newline would split the Location header); and the same once percent-decoded."""
    if not isinstance(target, str) or not 1 <= len(target) <= 2000:
        return None
    decoded = unquote(target)
    for text in (target, decoded):
        if not text.startswith("/") or text[1:2] == "/" or "\\" in text:
            return None
        if any(not char.isprintable() for char in text):
            return None
    if any(char.isspace() for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def back(default_endpoint="web.home", **values):
    """Redirect to a same-site `next` target if given, else to the default page."""
    target = safe_target(request.form.get("next") or request.args.get("next"))
    if target is not None:
        return redirect(target)
    return redirect(url_for(default_endpoint, **values))
