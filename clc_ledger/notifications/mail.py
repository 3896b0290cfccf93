"""Rendering emails from Jinja templates, in the recipient company's language and formats.

An email named `expiry_reminder` is three templates under `templates/mail/`:
`expiry_reminder.subject.txt`, `expiry_reminder.txt` and (optional) `expiry_reminder.html`.
Texts are marked with `_m("... %(name)s ...", name=value)` (the `mail` gettext domain), so
that `pybabel extract -k _m` finds them. In templates, filters format for the `locale`
passed to `render_email`: `{{ amount|clc }}`, `{{ amount|usd }}` (hundredths of a CLC),
`{{ day|date }}` (long form), `{{ day|date("short") }}`.

    subject, text, html = render_email("expiry_reminder", company.locale, sales_order=so, ...)

Notices are queued with `outbox.enqueue_notice(template, locale, to=..., **values)` and
rendered here when they are delivered; their values are then plain JSON (dicts for objects,
ISO strings for dates), which the filters accept too.
"""
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date, format_datetime
from flask import current_app
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound, pass_context, select_autoescape

from .. import clock
from ..i18n import _m, _mn, in_locale
from ..ledger.notes import category_word
from ..money import format_clc, format_usd

TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENVIRONMENT_KEY = "clc_mail_jinja"


def render_email(template, locale, **context):
    """(subject, text, html or None) for `templates/mail/<template>.*`, in `locale` (e.g. 'de_DE')."""
    environment = mail_environment()
    locale = (locale or "en_US").replace("-", "_")
    context = {"locale": locale, "base_url": current_app.config["CLC_BASE_URL"], **context}
    with in_locale(locale):
        subject = environment.get_template(f"mail/{template}.subject.txt").render(context)
        text = environment.get_template(f"mail/{template}.txt").render(context)
        try:
            html_template = environment.get_template(f"mail/{template}.html")
        except TemplateNotFound:
            html = None
        else:
            html = html_template.render(context)
    return " ".join(subject.split()), text.strip() + "\n", html


def mail_environment():
    """One Jinja environment per app: this package's templates first, then the app's loaders
    (so another feature may keep its mail templates under its own `templates/mail/`)."""
    environment = current_app.extensions.get(_ENVIRONMENT_KEY)
    if environment is None:
        environment = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES)), current_app.jinja_env.loader]),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        environment.globals.update(_m=_m, _mn=_mn)

        environment.filters.update(clc=_clc, usd=_usd, date=_date, datetime=_datetime, category=category_word)
        current_app.extensions[_ENVIRONMENT_KEY] = environment
    return environment


@pass_context
def _clc(context, hundredths):
    return format_clc(hundredths, context.get("locale", "en_US"))


@pass_context
def _usd(context, hundredths):
    return format_usd(hundredths, context.get("locale", "en_US"))


@pass_context
def _date(context, day, format="long"):
    if isinstance(day, str):  # from a notice's snapshot
        day = date.fromisoformat(day)
    return format_date(day, format=format, locale=context.get("locale", "en_US"))


@pass_context
def _datetime(context, instant, format="medium"):
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    return format_datetime(instant, format=format, tzinfo=clock.zone(), locale=context.get("locale", "en_US"))
