"""Credits are integers of hundredths of a CLC (R-MON-1): 1 CLC = 100 USD, so 0.01 CLC = 1 USD.

Nothing here ever touches a float: amounts arrive as strings, ints or Decimals (the JSON
provider parses numbers as Decimal) and leave as exact two-decimal strings.
"""
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal

CENTS_PER_CLC = 100  # hundredths of a CLC in one CLC
USD_PER_HUNDREDTH = 1  # 0.01 CLC is one US dollar


class AmountError(ValueError):
    """The text a person sees when an amount is refused (R-MON-2)."""


def parse_credits(value, *, allow_zero=False, allow_negative=False):
    """Exact hundredths of a CLC from a request value, or AmountError saying why not."""
    if isinstance(value, bool) or value is None:
        raise AmountError("Amount must be a number of credits, e.g. \"12.50\".")
    if isinstance(value, float):
        raise AmountError("Amount must be sent as a string or an exact number, not a float.")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise AmountError(f"\"{value}\" is not a number of credits.") from None
        if not text or text.lower().lstrip("+-") in {"inf", "infinity", "nan", "snan"}:
            raise AmountError(f"\"{value}\" is not a number of credits.")
    else:
        raise AmountError("Amount must be a number of credits, e.g. \"12.50\".")
    if not number.is_finite():
        raise AmountError("Amount must be a finite number of credits.")
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        raise AmountError("Amount may have at most 2 decimals (0.01 CLC = 1 USD).")
    hundredths = int(number * CENTS_PER_CLC)
    if hundredths == 0 and not allow_zero:
        raise AmountError("Amount must be greater than zero.")
    if hundredths < 0 and not allow_negative:
        raise AmountError("Amount must not be negative.")
    if abs(hundredths) > 10**15:
        raise AmountError("Amount is too large.")
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
