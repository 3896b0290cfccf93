"""Errors a service raises when a rule refuses a request; each maps to an HTTP status.

A refusal is data (R-TXT-1): a stable code (`insufficient_credits`), its values (amounts in
CLC hundredths, dates, codes) and an English message template. The words are chosen when the
error is shown, in the reader's language: `message` and `field_errors()` word it for the
current locale (flask-babel's `messages` domain); `values_json()` gives the values as the API
sends them beside the code, for clients that word it themselves. Rule ids never appear.
"""
import datetime

from .money import credits_str, format_clc


def N_(text):
    """Mark a message template for extraction (`make catalogs`); it is translated when shown."""
    return text


class Amount(int):
    """A value that is an amount of credits in hundredths: shown '1.234,50 CLC' in German."""


class Word(str):
    """A code shown to people as a word (a category, a status, a role): `kind` picks the list."""

    def __new__(cls, code, kind):
        word = super().__new__(cls, code)
        word.kind = kind
        return word


class Words(tuple):
    """Several codes of one kind, shown as 'captain or admin' in the reader's language."""

    def __new__(cls, codes, kind):
        words = super().__new__(cls, codes)
        words.kind = kind
        return words


class Country(str):
    """An ISO 3166 code shown with the country's name in the reader's language."""


class ClcError(Exception):
    code = 400  # the HTTP status
    error = "bad_request"

    def __init__(self, error=None, message=None, errors=None, **values):
        if message is None or isinstance(message, (dict, list)):
            # ClcError("a message"[, field errors]) still works for code that predates codes
            error, message, errors = None, error, (errors if message is None else message)
        super().__init__(message)
        if error:
            self.error = error
        self.template = message
        self.values = values
        self.errors = errors

    @property
    def message(self):
        """The message in the current locale, with its values formatted by Babel."""
        return _word(self.template, self.values)

    def field_errors(self):
        """The optional per-field errors, worded like `message`."""
        return _word_all(self.errors, self.values) if self.errors else None

    def values_json(self):
        """The values as plain JSON: amounts as exact two-decimal strings, dates ISO."""
        return {name: _json_value(value) for name, value in self.values.items()}

    def __str__(self):
        return self.message


class NotFound(ClcError):
    """Absent, or another company's (R-ACC-4): the two are indistinguishable on purpose."""

    code = 404
    error = "not_found"


class Forbidden(ClcError):
    code = 403
    error = "forbidden"


class Conflict(ClcError):
    code = 409
    error = "conflict"


class RuleViolation(ClcError):
    """A well-formed request that the business rules refuse."""

    code = 422
    error = "rule_violation"


def _json_value(value):
    if isinstance(value, Amount):
        return credits_str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Words):
        return list(value)
    if isinstance(value, (bool, int, str)) or value is None:
        return value if not isinstance(value, str) else str(value)
    return str(value)


def _locale():
    try:
        from flask_babel import get_locale

        return str(get_locale() or "en")
    except Exception:  # outside an application context: English
        return "en"


def _translate(text):
    try:
        from flask_babel import gettext

        return gettext(text)
    except Exception:
        return text


def format_value(value, locale):
    """One value as a person reads it in `locale`."""
    from babel.dates import format_date
    from babel.lists import format_list
    from babel import Locale

    if isinstance(value, Amount):
        return format_clc(value, locale)
    if isinstance(value, datetime.datetime):
        return format_date(value.date(), "medium", locale=locale)
    if isinstance(value, datetime.date):
        return format_date(value, "medium", locale=locale)
    if isinstance(value, Words):
        return format_list([_word_of(code, value.kind) for code in value], style="or", locale=locale)
    if isinstance(value, Word):
        word = _word_of(value, value.kind)
        # Status labels head table columns ("Booked"); inside a sentence they are adjectives.
        return word.lower() if value.kind == "status" else word
    if isinstance(value, Country):
        name = Locale.parse(locale).territories.get(str(value), str(value))
        return f"{name} ({value})"
    return str(value)


# {kind: {code: its words}} for Word and Words: the pages' labels (web.labels), lent by
# web/site.py; errors sits below every feature, so it cannot import them. A code of a kind
# without a table is shown as itself.
WORD_TABLES = {}


def _word_of(code, kind):
    return str(WORD_TABLES.get(kind, {}).get(str(code), code))


def _word_all(errors, values):
    if isinstance(errors, dict):
        return {key: _word_all(value, values) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [_word_all(value, values) for value in errors]
    if isinstance(errors, str):
        return _word(errors, values)
    return errors


def _word(template, values):
    locale = _locale()
    text = _translate(template)
    if not values:
        return text
    try:
        return text % {name: format_value(value, locale) for name, value in values.items()}
    except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
        return template % {name: format_value(value, "en") for name, value in values.items()}
