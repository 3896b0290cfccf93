"""A stored statement's movements as CSV, for a spreadsheet in the company's language and
locale (docs/statements.md says what a spreadsheet gets). `import csv` here is the standard
library's: imports are absolute, so this module does not shadow it."""
import csv
import io

from babel.numbers import get_decimal_symbol

from .. import i18n
from ..i18n import lazy_m
from ..money import credits_str, usd_str
from .context import Formatter, description, kind_label, locale_of

# The CSV's headers, in the company's language.
CSV_COLUMNS = (lazy_m("Date"), lazy_m("Type"), lazy_m("Sales order"), lazy_m("Description"), lazy_m("Amount (CLC)"),
               lazy_m("Balance (CLC)"), lazy_m("Amount (USD)"), lazy_m("Balance (USD)"))
CSV_MIMETYPE = "text/csv; charset=utf-8"
# A cell starting with one of these runs as a formula in a spreadsheet (R-TXT-2).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    locale = locale_of(statement)
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
                             neutralise(description(line, fmt)),
                             amount(credits_str(line["amount"])), amount(credits_str(line["running_balance"])),
                             amount(usd_str(line["amount"])), amount(usd_str(line["running_balance"]))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
