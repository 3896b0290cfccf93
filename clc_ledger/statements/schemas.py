"""JSON shapes of statements (API.md, Statements). Amounts are exact strings; USD alongside."""
from marshmallow import Schema, fields

from ..apikit import Credits
from ..money import usd_str

_USD = {"type": "string", "example": "1250.00"}


def _usd(key):
    return fields.Function(lambda obj: usd_str(obj[key] if isinstance(obj, dict) else getattr(obj, key)),
                           metadata=_USD)


class StatementSummaryOut(Schema):
    period = fields.String(metadata={"example": "2027-03"})
    company_id = fields.Integer()
    opening_balance = Credits()
    closing_balance = Credits()
    opening_balance_usd = _usd("opening_balance")
    closing_balance_usd = _usd("closing_balance")
    generated_at = fields.AwareDateTime()


class StatementListOut(Schema):
    statements = fields.List(fields.Nested(StatementSummaryOut))


class StatementReservationOut(Schema):
    id = fields.Integer()
    at = fields.String(metadata={"format": "date-time"})
    date = fields.String(metadata={"format": "date"})
    kind = fields.String()
    so_number = fields.String()
    description = fields.String()
    debit_id = fields.Integer(allow_none=True)
    amount = Credits()


class StatementEntryOut(StatementReservationOut):
    """A movement: a reservation's fields, in USD too, with the running balance after it."""

    amount_usd = _usd("amount")
    running_balance = Credits()
    running_balance_usd = _usd("running_balance")
    deferred_from = fields.String(metadata={
        "description": "YYYY-MM, only on an entry that belonged in that month, whose statement was already "
                       "issued: it took effect at the start of this one instead (R-LED-3)."})


class StatementSalesOrderOut(Schema):
    so_number = fields.String()
    status = fields.String()
    balance = Credits()
    balance_usd = _usd("balance")
    held = Credits()
    available = Credits()
    expires_on = fields.String(allow_none=True, metadata={"format": "date"})
    days_left = fields.Integer(allow_none=True)
    expiring_soon = fields.Boolean(metadata={"description": "Available credits on an active SO that "
                                             "expires within 90 days of the period end."})


class StatementOut(StatementSummaryOut):
    period_start = fields.String(metadata={"format": "date"})
    period_end = fields.String(metadata={"format": "date"})
    time_zone = fields.String()
    expiring_soon = Credits()
    entries = fields.List(fields.Nested(StatementEntryOut))
    reservations = fields.List(fields.Nested(StatementReservationOut),
                               metadata={"description": "Holds and releases for pending debits in the month: "
                                                        "informational, not part of the balance."})
    sales_orders = fields.List(fields.Nested(StatementSalesOrderOut))


def statement_document(statement):
    """The stored statement as the detail schema expects it."""
    content = statement.content
    return {
        "period": statement.period,
        "company_id": statement.company_id,
        "opening_balance": statement.opening_balance,
        "closing_balance": statement.closing_balance,
        "generated_at": statement.generated_at,
        "period_start": content["first_day"],
        "period_end": content["last_day"],
        "time_zone": content["time_zone"],
        "expiring_soon": content["expiring_soon"],
        "entries": content["entries"],
        "reservations": content["reservations"],
        "sales_orders": content["sales_orders"],
    }
