from ..db import UTCDateTime
from ..extensions import db

DISPUTE_STATUSES = ("open", "upheld", "denied")


class Dispute(db.Model):
    """A captain's challenge of a posted debit ("refute a charge", R-DSP-1)."""

    __tablename__ = "disputes"
    __table_args__ = (
        db.CheckConstraint("status IN ('open', 'upheld', 'denied')", name="status"),
        # At most one open dispute per debit, in the database too.
        db.Index("uq_disputes_one_open_per_debit", "debit_id", unique=True,
                 sqlite_where=db.text("status = 'open'"), postgresql_where=db.text("status = 'open'")),
    )

    id = db.Column(db.Integer, primary_key=True)
    debit_id = db.Column(db.Integer, db.ForeignKey("debits.id"), nullable=False, index=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    raised_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    reason = db.Column(db.String(1000), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="open")
    resolved_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    resolved_at = db.Column(UTCDateTime(), nullable=True)
    note = db.Column(db.String(1000), nullable=True)
    reversed_amount = db.Column(db.BigInteger, nullable=False, default=0)
    created_at = db.Column(UTCDateTime(), nullable=False)

    debit = db.relationship("Debit")
    raised_by = db.relationship("User", foreign_keys=[raised_by_id])
    resolved_by = db.relationship("User", foreign_keys=[resolved_by_id])
