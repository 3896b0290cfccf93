"""A monthly statement, stored once and never changed (R-STM-1, R-STM-2)."""
from ..db import UTCDateTime
from ..extensions import db


class Statement(db.Model):
    """What was stated to a company for one calendar month (program time zone).

    `content` is the snapshot rendered into the JSON, CSV, PDF and email: the company's name
    and locale at the time, every balance-moving entry with its running balance, the month's
    reservations (holds and releases, informational), and each SO as of the period end.
    Rendering reads only this snapshot, so a statement reads the same forever. The unique
    (company_id, period) is what makes "exactly one per company-month" hold under races.
    """

    __tablename__ = "statements"
    __table_args__ = (
        db.UniqueConstraint("company_id", "period", name="uq_statements_company_period"),
        db.CheckConstraint("length(period) = 7", name="period_format"),
    )

    id = db.Column(db.Integer, primary_key=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False)
    period = db.Column(db.String(7), nullable=False)  # YYYY-MM
    period_start = db.Column(UTCDateTime(), nullable=False)  # local midnight on the 1st, as UTC
    period_end = db.Column(UTCDateTime(), nullable=False)  # exclusive: midnight on the next 1st
    opening_balance = db.Column(db.BigInteger, nullable=False)  # hundredths of a CLC
    closing_balance = db.Column(db.BigInteger, nullable=False)
    generated_at = db.Column(UTCDateTime(), nullable=False)
    content = db.Column(db.JSON, nullable=False)

    company = db.relationship("Company")

    def __repr__(self):
        return f"<Statement {self.company_id} {self.period}>"
