"""WTForms validators for the request grammar (clc_ledger.grammar), so the pages accept and
refuse exactly what the JSON API does, with the same messages (R-MON-3, R-TXT-2)."""
from wtforms.validators import StopValidation

from .. import grammar


class Day:
    """A DateField's text is a calendar date YYYY-MM-DD within the grammar's range."""

    def __init__(self, earliest=grammar.EARLIEST, latest=grammar.LATEST):
        self.earliest, self.latest = earliest, latest

    def __call__(self, form, field):
        raw = field.raw_data[0] if field.raw_data else ""
        if not raw:
            return
        _day, problem = grammar.parse_day(raw, self.earliest, self.latest)
        if problem is not None:
            field.errors[:] = []  # WTForms' own "Not a valid date value" says less
            raise StopValidation(str(problem))


class PlainText:
    """At most `maximum` code points, no NUL or other control characters (newline and tab in
    `multiline` fields), no unpaired surrogates; never cut."""

    def __init__(self, maximum, multiline=False):
        self.maximum, self.multiline = maximum, multiline
        self.field_flags = {"maxlength": maximum}

    def __call__(self, form, field):
        value = field.data if isinstance(field.data, str) else ""
        if len(value) > self.maximum:
            raise StopValidation(str(grammar.too_long(self.maximum)))
        problem = grammar.text_problem(value, multiline=self.multiline)
        if problem is not None:
            raise StopValidation(str(problem))
