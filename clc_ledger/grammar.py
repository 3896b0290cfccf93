"""The one grammar of what a request may say (R-MON-2, R-MON-3, R-TXT-2): amounts, dates, ids
and free text. The JSON schemas (clc_ledger.fields), the page forms (clc_ledger.web.validators)
and the OpenAPI document all take their patterns, limits and messages from here, so the API and
the pages can never disagree about what is acceptable.

Every check answers with a message that says what is expected; messages are lazy so they are
worded in the reader's language when shown.
"""
import re
import unicodedata
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

# --- amounts (R-MON-2) -------------------------------------------------------------------

# ASCII digits, then optionally a point and 1 or 2 digits: money as people write it.
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"
_AMOUNT = re.compile(AMOUNT_PATTERN, re.ASCII)
MAX_AMOUNT = 99_999_999_999  # hundredths: 999,999,999.99 CLC
MAX_AMOUNT_TEXT = "999999999.99"
AMOUNT_EXPECTED = _l('An amount of credits written like "12.50": digits, optionally a point and 1 or 2 '
                     'decimals; no sign, exponent, spaces or separators.')
AMOUNT_TOO_LARGE = _l("An amount may be at most 999,999,999.99 credits.")
AMOUNT_ZERO = _l("An amount must be greater than zero.")


class JsonNumber(Decimal):
    """A JSON number with a fraction or an exponent, as a Decimal that remembers how it was
    written: "1.5e1" is the Decimal 15 but not money as people write it (R-MON-2)."""

    def __new__(cls, text):
        number = super().__new__(cls, text)
        number.text = text
        return number


def amount_text(value):
    """The text an amount was written as, or None if it is not text or a number at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) < 10**20 else "too-large"
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() and value.adjusted() < 20 else "not-money"
    return None


def amount_hundredths(value):
    """(hundredths, None) for a valid amount, or (None, message) saying what is expected."""
    text = amount_text(value)
    if text is None or len(text) > 40 or not _AMOUNT.fullmatch(text):
        return None, AMOUNT_EXPECTED
    whole, _point, part = text.partition(".")
    hundredths = int(whole) * 100 + int((part + "00")[:2])
    if hundredths == 0:
        return None, AMOUNT_ZERO
    if hundredths > MAX_AMOUNT:
        return None, AMOUNT_TOO_LARGE
    return hundredths, None


# --- dates (R-MON-3) -----------------------------------------------------------------------

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE = re.compile(DATE_PATTERN, re.ASCII)
EARLIEST = date(2000, 1, 1)
EARLIEST_EARNED = date(1990, 1, 1)  # a certification's earned_on may go back further
LATEST = date(2099, 12, 31)


def date_expected(earliest=EARLIEST, latest=LATEST):
    return _l("A calendar date written YYYY-MM-DD, from %(earliest)s to %(latest)s.",
              earliest=earliest.isoformat(), latest=latest.isoformat())


def parse_day(value, earliest=EARLIEST, latest=LATEST):
    """(date, None) for a real calendar date YYYY-MM-DD within the range, else (None, message)."""
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and _DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None, date_expected(earliest, latest)
    else:
        return None, date_expected(earliest, latest)
    if not earliest <= day <= latest:
        return None, date_expected(earliest, latest)
    return day, None


# --- ids (R-MON-3) ---------------------------------------------------------------------------

MAX_ID = 2**63 - 1
MAX_STORED_ID = 2**31 - 1  # what the 32-bit id columns hold; ledger entry ids are 64-bit
_ID = re.compile(r"^[1-9][0-9]{0,18}$", re.ASCII)


def id_expected(maximum=MAX_STORED_ID):
    return _l("An id: a whole number from 1 to %(max)d.", max=maximum)



def parse_id(value, *, from_text=False, maximum=MAX_STORED_ID):
    """(id, None) for a positive integer up to `maximum` (at most 2^63 - 1; by default what a
    32-bit id column holds, since a larger id names nothing), else (None, message). JSON ids
    must be integers; query strings (`from_text`) carry them as digits."""
    if isinstance(value, bool):
        return None, id_expected(maximum)
    if isinstance(value, int) and not from_text:
        number = value
    elif isinstance(value, str) and from_text and _ID.fullmatch(value):
        number = int(value)
    else:
        return None, id_expected(maximum)
    if not 1 <= number <= min(maximum, MAX_ID):
        return None, id_expected(maximum)
    return number, None


# --- free text (R-TXT-2) -------------------------------------------------------------------------

# Counted in Unicode code points (Python's len of a str).
DESCRIPTION_MAX = 500  # descriptions, justifications, plan items
REASON_MAX = 1000  # reasons and notes
NAME_MAX = 200
EMAIL_MAX = 254
USERNAME_MAX = 80
PASSWORD_MAX = 200

_MULTILINE_ALLOWED = frozenset("\n\r\t")


def text_problem(value, *, multiline=False):
    """None if the text may be stored, else a message: NUL and other control characters
    (but newline and tab in multi-line fields) and unpaired surrogates are refused."""
    if value.isprintable():  # the common case, fast: no Cc/Cf/Cs/Zl/Zp/... at all
        return None
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            return _l("The text is not valid Unicode (an unpaired surrogate).")
        if category == "Cc" and not (multiline and char in _MULTILINE_ALLOWED):
            if multiline:
                return _l("The text contains a control character; only newlines and tabs are allowed.")
            return _l("The text contains a control character (e.g. a line break); write it on one line.")
    return None


def too_long(maximum):
    return _l("At most %(max)d characters.", max=maximum)
