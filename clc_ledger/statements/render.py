"""A stored statement as HTML, CSV, PDF and an email, in the company's language and locale.

Everything here reads only the statement's snapshot (`Statement.content`), so a statement
renders the same forever. Texts are in the `mail` gettext domain (`_m`); dates, numbers and
amounts are formatted by Babel for the locale stated (R-MON-1: every amount in CLC and USD).
"""
import csv
import io
from datetime import date
from functools import lru_cache

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, get_decimal_symbol
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .. import i18n
from ..i18n import _m, _mn, lazy_m
from ..ledger import notes
from ..money import credits_str, format_clc, format_usd, usd_str

# The CSV's headers, in the company's language (docs/statements.md says what a spreadsheet gets).
CSV_COLUMNS = (lazy_m("Date"), lazy_m("Type"), lazy_m("Sales order"), lazy_m("Description"), lazy_m("Amount (CLC)"),
               lazy_m("Balance (CLC)"), lazy_m("Amount (USD)"), lazy_m("Balance (USD)"))
CSV_MIMETYPE = "text/csv; charset=utf-8"
# A cell starting with one of these runs as a formula in a spreadsheet (R-TXT-2).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@lru_cache(maxsize=1)
def _jinja():
    environment = Environment(loader=PackageLoader("clc_ledger.statements", "templates"),
                              autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(_m=_m, _mn=_mn, expiring_line=expiring_line)
    return environment


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


def _description(line, fmt):
    """The entry worded in the reader's language from its note and refs (R-TXT-1); what a
    person wrote (a debit's description, a reason) stays as written."""
    return notes.word(line.get("note"), line.get("refs"), line["description"], fmt)


# --- the context every format shares ----------------------------------------------------

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


def context(statement, locale=None):
    """What the templates and the PDF show; call inside i18n.in_locale(locale). Formatted for
    the company's locale, or `locale` (a page shows it in its reader's)."""
    content = statement.content
    fmt = Formatter(locale or content["company"]["locale"])
    kinds = {kind: kind_label(kind) for kind in {line["kind"] for line in content["entries"] + content["reservations"]}}
    # Each amount is formatted here once, for the HTML and the PDF alike.
    entries = [dict(line, kind_label=kinds[line["kind"]], text=_description(line, fmt), day=fmt.day(line["date"]),
                    amount_clc=fmt.clc(line["amount"]), amount_usd=fmt.usd(line["amount"]),
                    running_clc=fmt.clc(line["running_balance"]), running_usd=fmt.usd(line["running_balance"]))
               for line in content["entries"]]
    reservations = [dict(line, kind_label=kinds[line["kind"]], text=_description(line, fmt),
                         day=fmt.day(line["date"])) for line in content["reservations"]]
    sales_orders = [dict(line, status_label=status_label(line["status"]), expires=fmt.day(line["expires_on"]),
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
    }


def _locale_of(statement):
    return statement.content["company"]["locale"]


# --- HTML ------------------------------------------------------------------------------------

def render_html(statement, *, email=False):
    with i18n.in_locale(_locale_of(statement)):
        return _html(statement, context(statement), email=email)


def _html(statement, ctx, *, email):
    return _jinja().get_template("statements/statement.html").render(
        **ctx, email=email, lang=i18n.language_of(_locale_of(statement)))


def render_fragment(statement, locale):
    """The statement as HTML for a page, in `locale` (the reader's): the same template and
    numbers as the email and the PDF, without the document around it."""
    with i18n.in_locale(locale):
        html = _jinja().get_template("statements/statement.html").render(
            **context(statement, locale), email=False, lang=i18n.language_of(locale))
    body = html.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
    return Markup(body)  # noqa: S704 - rendered by our autoescaping template


# --- CSV -------------------------------------------------------------------------------------

def csv_dialect(locale):
    """(delimiter, decimal sign) a spreadsheet in `locale` reads without an import dialog:
    where the decimal sign is a comma (de, fr) Excel and LibreOffice split on ";" and read
    "12,50" as a number; elsewhere (en, ja) "," and "12.50"."""
    decimal = get_decimal_symbol(locale or "en_US")
    return (";", ",") if decimal == "," else (",", ".")


def neutralise(text):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (R-TXT-2)."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def render_csv(statement) -> bytes:
    """One row per balance-moving entry, headers and descriptions in the company's language.
    Amounts are exact, without grouping, with the locale's decimal sign (see csv_dialect), so
    that the amount column sums to closing - opening; dates are ISO (YYYY-MM-DD), which every
    spreadsheet reads as a date. UTF-8 with a byte-order mark: Excel reads UTF-8 only with it."""
    locale = _locale_of(statement)
    delimiter, decimal = csv_dialect(locale)

    def amount(text):
        return text.replace(".", decimal)

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    with i18n.in_locale(locale):
        fmt = Formatter(locale)
        writer.writerow([str(column) for column in CSV_COLUMNS])
        for line in statement.content["entries"]:
            writer.writerow([line["date"], neutralise(kind_label(line["kind"])), neutralise(line["so_number"]),
                             neutralise(_description(line, fmt)),
                             amount(credits_str(line["amount"])), amount(credits_str(line["running_balance"])),
                             amount(usd_str(line["amount"])), amount(usd_str(line["running_balance"]))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- PDF -------------------------------------------------------------------------------------

def render_pdf(statement) -> bytes:
    from .pdf import pdf_of  # fpdf2 is imported there, only when a PDF is made

    with i18n.in_locale(_locale_of(statement)):
        return pdf_of(statement, context(statement))


# --- the email ---------------------------------------------------------------------------------

def attachment_names(statement):
    return f"clc-statement-{statement.company_id}-{statement.period}.pdf", \
        f"clc-statement-{statement.company_id}-{statement.period}.csv"


def statement_email(statement):
    """Subject, text, HTML and attachments (filename, bytes, mimetype) of a statement email."""
    with i18n.in_locale(_locale_of(statement)):
        ctx = context(statement)  # once for the text, the HTML and the PDF
        fmt = ctx["fmt"]
        subject = _m("Your Cisco Learning Credits statement for %(month)s – %(company)s",
                     month=ctx["month"], company=ctx["company_name"])
        lines = [
            _m("Statement of Cisco Learning Credits"),
            ctx["company_name"],
            f"{ctx['first_day']} – {ctx['last_day']}",
            "",
            f"{_m('Opening balance')}: {fmt.both(ctx['opening'])}",
            f"{_m('Movements')}: {fmt.both(ctx['movements'])}",
            f"{_m('Closing balance')}: {fmt.both(ctx['closing'])}",
            "",
        ]
        if ctx["expiring"]:
            lines.append(_m("Credits expiring within %(days)s days of the period end: %(amount)s",
                            days=ctx["expiring_days"], amount=fmt.both(ctx["expiring_total"])))
            for line in ctx["expiring"]:
                lines.append("- " + expiring_line(line, fmt))
            lines.append("")
        lines.append(_m("The full statement is attached as PDF and CSV."))
        text = "\n".join(lines) + "\n"
        html = _html(statement, ctx, email=True)
        from .pdf import pdf_of

        pdf = pdf_of(statement, ctx)
    pdf_name, csv_name = attachment_names(statement)
    return {
        "subject": subject,
        "text": text,
        "html": html,
        "attachments": [(pdf_name, pdf, "application/pdf"), (csv_name, render_csv(statement), "text/csv")],
    }
