"""The statements' fast amount formatter writes the digits into the text Babel gives for an
amount of the same shape (context.Formatter): for any amount it must read exactly as Babel's
own formatting (money.format_clc, money.format_usd) in each language of the statements."""
from hypothesis import given, settings
from hypothesis import strategies as st

from clc_ledger.money import format_clc, format_usd
from clc_ledger.statements.context import Formatter

LOCALES = ["en_US", "de_DE", "ja_JP", "fr_FR"]
AMOUNTS = st.integers(min_value=-99_999_999_999, max_value=99_999_999_999)  # hundredths (R-MON-2)


@settings(max_examples=300, deadline=None)
@given(locale=st.sampled_from(LOCALES), hundredths=st.one_of(AMOUNTS, st.integers(-1000, 1000)))
def test_the_fast_formatter_reads_as_babel_for_any_amount(locale, hundredths):
    fast = Formatter(locale)
    assert fast.clc(hundredths) == format_clc(hundredths, locale)
    assert fast.usd(hundredths) == format_usd(hundredths, locale)
