"""Marshmallow fields for the request grammar (clc_ledger.grammar): every JSON schema takes its
amounts, dates, ids and free text from here, and the OpenAPI document states the same limits."""
from marshmallow import ValidationError, fields, validate

from . import grammar
from .money import credits_str

_EXPECTED_TEXT = {"type": "string"}


class _SaysWhatIsExpected:
    """A null or a value of the wrong type gets the grammar's own message, not marshmallow's."""

    def make_error(self, key, **kwargs):
        if key in ("null", "invalid", "invalid_utf8"):
            return ValidationError(str(self.expected()))
        return super().make_error(key, **kwargs)


class Credits(_SaysWhatIsExpected, fields.Field):
    """Hundredths of a CLC inside; an exact two-decimal string outside (R-MON-1, R-MON-2)."""

    def expected(self):
        return grammar.AMOUNT_EXPECTED

    def __init__(self, **kwargs):
        metadata = {"type": "string", "pattern": grammar.AMOUNT_PATTERN, "maxLength": 12, "example": "12.50",
                    "description": "Credits: ASCII digits, optionally a point and 1 or 2 decimals, from 0.01 to "
                                   "999999999.99; a JSON number of the same shape is accepted too (R-MON-2)."}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else credits_str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        hundredths, problem = grammar.amount_hundredths(value)
        if problem is not None:
            raise ValidationError(str(problem))
        return hundredths


class Day(_SaysWhatIsExpected, fields.Date):
    """A calendar date YYYY-MM-DD within grammar.EARLIEST..LATEST (R-MON-3)."""

    def expected(self):
        return grammar.date_expected(self.earliest, self.latest)

    def __init__(self, *, earliest=grammar.EARLIEST, latest=grammar.LATEST, **kwargs):
        self.earliest, self.latest = earliest, latest
        metadata = {"pattern": grammar.DATE_PATTERN, "example": "2026-03-31",
                    "description": f"A calendar date YYYY-MM-DD from {earliest} to {latest} (R-MON-3)."}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day, problem = grammar.parse_day(value if isinstance(value, str) else None, self.earliest, self.latest)
        if problem is not None:
            raise ValidationError(str(problem))
        return day


class Id(_SaysWhatIsExpected, fields.Integer):
    """A positive integer (R-MON-3): a JSON integer, or digits in a query string; at most what
    the id's column holds (`maximum`, 2^31 - 1 unless a 64-bit id), since a larger one names
    nothing."""

    def expected(self):
        return grammar.id_expected(self.maximum)

    def __init__(self, *, maximum=grammar.MAX_STORED_ID, minimum=1, **kwargs):
        self.maximum, self.minimum = maximum, minimum
        metadata = {"minimum": minimum, "maximum": maximum, "format": "int64" if maximum > 2**31 - 1 else "int32"}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if self.minimum == 0 and value in (0, "0"):
            return 0
        number, problem = grammar.parse_id(value, from_text=isinstance(value, str), maximum=self.maximum)
        if problem is not None:
            raise ValidationError(str(problem))
        return number


class Text(fields.String):
    """Free text with its documented maximum in code points (R-TXT-2), never cut: longer, NUL,
    other control characters (newline and tab only where `multiline`) and unpaired surrogates
    are refused."""

    def __init__(self, *, max, min=0, multiline=False, **kwargs):
        self.multiline = multiline
        checks = [validate.Length(min=min, max=max, error=None)]
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", f"At most {max} characters; no control characters"
                            + (" but newline and tab." if multiline else "."))
        kwargs["metadata"] = metadata
        extra = kwargs.pop("validate", None)
        if extra is not None:
            checks.extend(extra if isinstance(extra, (list, tuple)) else [extra])
        super().__init__(validate=checks, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.validators[0].max:
            raise ValidationError(str(grammar.too_long(self.validators[0].max)))
        problem = grammar.text_problem(text, multiline=self.multiline)
        if problem is not None:
            raise ValidationError(str(problem))
        return text


def Email(**kwargs):
    """An email address of at most 254 characters (R-TXT-2)."""
    return Text(max=grammar.EMAIL_MAX, min=3, validate=validate.Email(), metadata={"format": "email"}, **kwargs)


class Pattern(validate.Regexp):
    """A whole-string pattern: `re.match` with `$` would let a final newline through."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value
