"""Credits are integers of hundredths of a CLC (R-MON-1): 1 CLC = 100 USD, so 0.01 CLC = 1 USD.

Nothing here ever touches a float: amounts arrive as strings, ints or Decimals (the JSON
provider parses numbers as Decimal) and leave as exact two-decimal strings.
"""
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from .grammar import amount_hundredths

CENTS_PER_CLC = 100  # hundredths of a CLC in one CLC
USD_PER_HUNDREDTH = 1  # 0.01 CLC is one US dollar


class AmountError(ValueError):
    """The text a person sees when an amount is refused (R-MON-2)."""


def parse_credits(value):
    """Exact hundredths of a CLC (1 to 99,999,999,999) from a request value: a string or JSON
    number of ASCII digits with optionally a point and 1 or 2 decimals (grammar.amount_hundredths).
    Raises AmountError whose text says what is expected (R-MON-2)."""
    hundredths, problem = amount_hundredths(value)
    if problem is not None:
        raise AmountError(str(problem))
    return hundredths


def credits_str(hundredths):
    """'12.50' for 1250: the API's exact two-decimal form."""
    sign = "-" if hundredths < 0 else ""
    whole, part = divmod(abs(int(hundredths)), CENTS_PER_CLC)
    return f"{sign}{whole}.{part:02d}"


def usd_str(hundredths):
    """US dollars for an amount of credits, exact: '1250.00' for 12.50 CLC."""
    return credits_str(int(hundredths) * USD_PER_HUNDREDTH * CENTS_PER_CLC)


def to_decimal(hundredths):
    return Decimal(int(hundredths)).scaleb(-2)


def format_clc(hundredths, locale="en_US"):
    """Credits for a person, in their locale: '1,234.50 CLC' or '1.234,50 CLC'."""
    text = format_decimal(to_decimal(hundredths), format="#,##0.00", locale=locale)
    return f"{text} CLC"


def format_usd(hundredths, locale="en_US"):
    return format_currency(to_decimal(hundredths) * CENTS_PER_CLC, "USD", locale=locale)
