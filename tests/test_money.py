"""R-MON-1 and R-MON-2: exact amounts, never a float."""
from decimal import Decimal

import pytest

from clc_ledger.money import AmountError, credits_str, format_clc, format_usd, parse_credits, usd_str


@pytest.mark.parametrize("value,hundredths", [
    ("12.50", 1250), ("12.5", 1250), ("12", 1200), (12, 1200), (Decimal("0.01"), 1),
    (Decimal("12.50"), 1250), ("1000000", 100000000), ("999999999.99", 99_999_999_999),
])
def test_exact_amounts_parse_to_hundredths(value, hundredths):
    assert parse_credits(value) == hundredths


@pytest.mark.parametrize("value", [
    "12.345", Decimal("0.001"), "0", "0.00", 0, "-1", -5, "NaN", "nan", "Infinity", "-inf", "abc", "", "1e400",
    None, True, 12.5, [], {},
    # R-MON-2: only money as people write it
    "  7.00 ", Decimal("12.500"), "1_0.00", "1e2", "+5", ".5", "5.", "\u0665", "1,000", "1 000", "0x10",
    "1e999999999", "1000000000.00", "999999999.991", 10**30, "12.50\n",
])
def test_R_MON_2_more_than_two_decimals_zero_negative_nan_and_non_numbers_are_refused(value):
    with pytest.raises(AmountError):
        parse_credits(value)


def test_amounts_leave_as_exact_two_decimal_strings_in_clc_and_usd():
    assert credits_str(1250) == "12.50"
    assert credits_str(1) == "0.01"
    assert credits_str(-305) == "-3.05"
    assert usd_str(1250) == "1250.00"  # 1 CLC = 100 USD
    assert usd_str(1) == "1.00"


def test_amounts_are_formatted_for_the_viewers_locale():
    assert format_clc(123456, "en_US") == "1,234.56 CLC"
    assert format_clc(123456, "de_DE") == "1.234,56 CLC"
    assert format_usd(150, "en_US") == "$150.00"
    assert format_usd(150, "de_DE") == "150,00\xa0$"
