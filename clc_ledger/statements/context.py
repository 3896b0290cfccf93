"""What a stored statement shows, formatted once for every format (the HTML page and email,
statements/html.py; the CSV, statements/csv.py; the PDF, statements/pdf.py): the labels of
kinds and statuses, Babel's formatting for a locale, and the context built from the snapshot.

Everything here reads only the statement's snapshot (`Statement.content`), so a statement
renders the same forever. Texts are in the `mail` gettext domain (`_m`); dates, numbers and
amounts are formatted by Babel for the locale stated (R-MON-1: every amount in CLC and USD).
"""
from datetime import date
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal

from .. import clock
from ..i18n import _mn, lazy_m
from ..ledger import notes
from ..money import format_clc, format_usd

# --- labels --------------------------------------------------------------------------------

KIND_LABELS = {
    "activation": lazy_m("Activation"),
    "debit": lazy_m("Debit"),
    "reversal": lazy_m("Reversal"),
    "expiry": lazy_m("Expiry"),
    "reissue_out": lazy_m("Reissued out"),
    "reissue_in": lazy_m("Reissued in"),
    "hold": lazy_m("Hold for a pending debit"),
    "release": lazy_m("Release of a hold"),
}
STATUS_LABELS = {
    "booked": lazy_m("Booked"),
    "invoiced": lazy_m("Invoiced"),
    "active": lazy_m("Active"),
    "expired": lazy_m("Expired"),
    "closed": lazy_m("Closed (reissued)"),
}


def kind_label(kind):
    return str(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def status_label(status):
    return str(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def expiring_line(line, fmt):
    return _mn("%(so)s: %(amount)s expire on %(day)s (%(count)s day left)",
               "%(so)s: %(amount)s expire on %(day)s (%(count)s days left)", line["days_left"],
               so=line["so_number"], amount=fmt.both(line["available"]), day=line["expires"], count=line["days"])


def description(line, fmt):
    """The entry worded in the reader's language from its note and refs (R-TXT-1); what a
    person wrote (a debit's description, a reason) stays as written."""
    return notes.word(line.get("note"), line.get("refs"), line["description"], fmt)


# --- formatting for a locale ----------------------------------------------------------------

class Formatter:
    """Babel formatting for one locale, cheap enough for a job's thousands of statements: days,
    months and numbers are formatted once per locale and process (a month's statements share
    their days), and amounts are written into the text Babel gives for one amount of the same
    shape (sign and number of digits)."""

    def __init__(self, locale):
        self.locale = locale or "en_US"

    def day(self, value, format="medium"):
        return "" if value is None else _formatted_day(self.locale, value, format)

    def long_day(self, value):
        return self.day(value, "long")

    def expiry(self, expires_on):
        """The moment credits expire (R-EXP-1), 12:01 a.m. local on `expires_on`, written the way
        the locale joins a date and a time: 'Jan 10, 2027, 12:01 AM', '10.01.2027, 00:01'."""
        if expires_on is None:
            return ""
        joined = Locale.parse(self.locale).datetime_formats["medium"]
        return str(joined).format(format_time(clock.EXPIRY_TIME, "short", locale=self.locale), self.day(expires_on))

    def month(self, first_day):
        return _formatted_month(self.locale, first_day)

    def clc(self, hundredths):
        return self._amount(format_clc, hundredths, f"{abs(int(hundredths)):03d}")  # "0.05 CLC": 3 digits

    def usd(self, hundredths):
        return self._amount(format_usd, hundredths, str(abs(int(hundredths))))  # 0.05 CLC = "$5.00"

    def _amount(self, babel_format, hundredths, digits):
        shape = _amount_shape(babel_format, self.locale, hundredths < 0, len(digits))
        return shape.format(*digits) if shape else babel_format(hundredths, self.locale)

    def both(self, hundredths):
        return f"{self.clc(hundredths)} ({self.usd(hundredths)})"

    def number(self, value):
        return "" if value is None else _formatted_number(self.locale, value)


@lru_cache(maxsize=4096)
def _formatted_day(locale, value, format):
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, format=format, locale=locale)


@lru_cache(maxsize=1024)
def _formatted_month(locale, first_day):
    return format_skeleton("yMMMM", date.fromisoformat(first_day), locale=locale)


@lru_cache(maxsize=4096)
def _formatted_number(locale, value):
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=1024)
def _amount_shape(babel_format, locale, negative, length):
    """The text babel_format gives an amount of `length` digits, all 1s, with a "{}" for each
    digit; False if a "1" there is not a digit (in a currency sign?): Babel then does each."""
    sample = babel_format(int("1" * length) * (-1 if negative else 1), locale)
    if sample.count("1") != length:
        return False
    return sample.replace("{", "{{").replace("}", "}}").replace("1", "{}")


# --- the context every format shares ----------------------------------------------------

def context(statement, locale=None):
    """What the templates and the PDF show; call inside i18n.in_locale(locale). Formatted for
    the company's locale, or `locale` (a page shows it in its reader's)."""
    content = statement.content
    fmt = Formatter(locale or content["company"]["locale"])
    kinds = {kind: kind_label(kind) for kind in {line["kind"] for line in content["entries"] + content["reservations"]}}
    # Each amount is formatted here once, for the HTML and the PDF alike.
    entries = [dict(line, kind_label=kinds[line["kind"]], text=description(line, fmt), day=fmt.day(line["date"]),
                    amount_clc=fmt.clc(line["amount"]), amount_usd=fmt.usd(line["amount"]),
                    running_clc=fmt.clc(line["running_balance"]), running_usd=fmt.usd(line["running_balance"]))
               for line in content["entries"]]
    reservations = [dict(line, kind_label=kinds[line["kind"]], text=description(line, fmt),
                         day=fmt.day(line["date"])) for line in content["reservations"]]
    sales_orders = [dict(line, status_label=status_label(line["status"]), expires=fmt.expiry(line["expires_on"]),
                         days=fmt.number(line["days_left"]), balance_clc=fmt.clc(line["balance"]),
                         balance_usd=fmt.usd(line["balance"]), held_clc=fmt.clc(line["held"]),
                         held_usd=fmt.usd(line["held"])) for line in content["sales_orders"]]
    movements = content["closing_balance"] - content["opening_balance"]
    return {
        "statement": statement,
        "content": content,
        "fmt": fmt,
        "company_name": content["company"]["name"],
        "month": fmt.month(content["first_day"]),
        "first_day": fmt.long_day(content["first_day"]),
        "last_day": fmt.long_day(content["last_day"]),
        "issued_on": fmt.long_day(statement.generated_at.date().isoformat()),
        "opening": content["opening_balance"],
        "closing": content["closing_balance"],
        "movements": movements,
        "entries": entries,
        "reservations": reservations,
        "sales_orders": sales_orders,
        "expiring": [line for line in sales_orders if line["expiring_soon"]],
        "expiring_total": content["expiring_soon"],
        "expiring_days": 90,
        "learning": _learning(content.get("learning"), fmt),
    }


def _learning(section, fmt):
    """The learning section (R-TEAM-2) with its dates formatted, or None."""
    if not section:
        return None
    return {**section,
            "expiring": [dict(line, day=fmt.day(line["expires_on"]), days=fmt.number(line["days_left"]))
                         for line in section["expiring"]]}


def locale_of(statement):
    return statement.content["company"]["locale"]


def attachment_names(statement):
    """The PDF's and the CSV's file names, for the email's attachments and the downloads."""
    return f"clc-statement-{statement.company_id}-{statement.period}.pdf", \
        f"clc-statement-{statement.company_id}-{statement.period}.csv"
