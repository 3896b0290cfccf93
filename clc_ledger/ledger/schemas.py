from marshmallow import Schema, fields, validate

from .. import grammar
from ..fields import Credits, Day, Id, Pattern, Text
from .models import DEBIT_STATUSES, ELIGIBLE_CATEGORIES, REFUSED_CATEGORIES
from .notes import ReaderFormat, parse_legacy, word
from ..money import usd_str

SO_NUMBER = Pattern(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", error="Use letters, digits, '-' and '_', e.g. SO-104233.")


class SalesOrderCreate(Schema):
    so_number = Text(required=True, max=40, validate=SO_NUMBER)
    company_id = Id(required=True)
    credits = Credits(required=True)
    booked_on = Day(required=True)


class InvoiceRequest(Schema):
    invoice_date = Day(required=True)


class SalesOrderOut(Schema):
    so_number = fields.String()
    company_id = fields.Integer()
    credits = Credits()
    status = fields.String()
    booked_on = fields.Date()
    invoice_date = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    available = Credits()
    held = Credits()
    reissue_of = fields.String(allow_none=True)
    expected_available_by = fields.Date(allow_none=True, metadata={"description": "While booked or invoiced: "
                                        "booking date + 7 business days (R-SO-2)."})


class BalanceSalesOrder(Schema):
    so_number = fields.String()
    status = fields.String()
    available = Credits()
    held = Credits()
    expires_on = fields.Date(allow_none=True)
    days_left = fields.Integer(allow_none=True)


class BalanceOut(Schema):
    company_id = fields.Integer()
    available = Credits()
    held = Credits()
    available_usd = fields.Function(lambda balance: usd_str(balance["available"]),
                                    metadata={"type": "string", "example": "1250.00"})
    sales_orders = fields.List(fields.Nested(BalanceSalesOrder))


class LedgerEntryOut(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime(metadata={"description": "When it took effect (R-LED-3): statements go by it."})
    recorded_at = fields.AwareDateTime(metadata={"description": "When it was written."})
    deferred_from = fields.String(allow_none=True, metadata={
        "description": "YYYY-MM: the month it belonged in, whose statement was already issued; "
                       "it took effect at the start of the next open month instead (R-LED-3)."})
    kind = fields.String()
    so_number = fields.Function(lambda entry: entry.sales_order.so_number)
    amount = Credits()
    debit_id = fields.Integer(allow_none=True)
    description = fields.Function(
        lambda entry: _worded(entry),
        metadata={"description": "What happened, in the reader's language (Accept-Language)."})
    note = fields.Function(lambda entry: _note(entry)[0], metadata={
        "description": "What happened, as a stable code (e.g. debit_approved); with `refs`, for clients "
                       "that word it themselves."})
    refs = fields.Function(lambda entry: _note(entry)[1])
    text = fields.Function(lambda entry: _note(entry)[2], metadata={
        "description": "What a person wrote, as written (a debit's description, a rejection's reason)."})


def _note(entry):
    if entry.note is not None:
        return entry.note, entry.refs or {}, entry.description
    return parse_legacy(entry.description)


def _worded(entry):
    return word(entry.note, entry.refs, entry.description, ReaderFormat())


class LedgerOut(Schema):
    entries = fields.List(fields.Nested(LedgerEntryOut))


class LedgerQuery(Schema):
    after_id = Id(minimum=0, maximum=grammar.MAX_ID, metadata={"description": "Entries after this id (0: from the start)."})
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class AllocationIn(Schema):
    so_number = Text(required=True, max=40)
    amount = Credits(required=True)


class DebitCreate(Schema):
    amount = Credits(required=True)
    category = Text(required=True, max=40, metadata={
        "enum": list(ELIGIBLE_CATEGORIES) + list(REFUSED_CATEGORIES),
        "description": "Refused with 422: " + ", ".join(REFUSED_CATEGORIES) + "."})
    description = Text(required=True, min=1, max=grammar.DESCRIPTION_MAX, multiline=True)
    event_date = Day(load_default=None, allow_none=True)
    allocations = fields.List(fields.Nested(AllocationIn), load_default=None, allow_none=True,
                              validate=validate.Length(min=1, max=50))
    # Training the debit buys (R-CEL-1): a CE item, seats, and the people who attend.
    ce_item_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**63 - 1))
    seats = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=10000))
    attendees = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**63 - 1)), load_default=None,
                            allow_none=True, validate=validate.Length(max=10000))


class AllocationOut(Schema):
    so_number = fields.Function(lambda allocation: allocation.sales_order.so_number)
    amount = Credits()


class DebitOut(Schema):
    id = fields.Integer()
    status = fields.String()
    amount = Credits()
    category = fields.String()
    description = fields.String()
    event_date = fields.Date(allow_none=True)
    requested_by = fields.Function(lambda debit: debit.requested_by.username)
    requested_at = fields.AwareDateTime()
    decided_by = fields.Function(lambda debit: debit.decided_by.username if debit.decided_by else None)
    decided_at = fields.AwareDateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    allocations = fields.List(fields.Nested(AllocationOut))


class DebitList(Schema):
    debits = fields.List(fields.Nested(DebitOut))


class DebitQuery(Schema):
    status = fields.String(validate=validate.OneOf(DEBIT_STATUSES))
    before_id = Id()
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class RejectIn(Schema):
    reason = Text(required=True, min=1, max=grammar.REASON_MAX, multiline=True)
