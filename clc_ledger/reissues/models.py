"""Reissue requests and their training plans (R-RSS-1..4)."""
from .. import clock
from ..db import UTCDateTime
from ..extensions import db
from ..ledger.models import SalesOrder, _in

REISSUE_STATUSES = ("submitted", "approved", "rejected")


class ReissueRequest(db.Model):
    """A captain's request to reissue one SO's credits, reviewed once by an admin.

    `amount` (hundredths) is what would be reissued when the request was made; the approval
    moves what is reissuable at approval time (R-RSS-4) and records it on the new SO.
    """

    __tablename__ = "reissue_requests"
    __table_args__ = (
        db.CheckConstraint(_in("status", REISSUE_STATUSES), name="status"),
        db.CheckConstraint("amount > 0", name="amount_positive"),
        db.Index("ix_reissue_requests_so_status", "sales_order_id", "status"),
        # R-RSS-3 held by the database too: at most one submitted-or-approved request per SO
        # (the services check first, under the company lock).
        db.Index("uq_reissue_requests_one_open_per_so", "sales_order_id", unique=True,
                 sqlite_where=db.text("status IN ('submitted', 'approved')"),
                 postgresql_where=db.text("status IN ('submitted', 'approved')")),
    )

    id = db.Column(db.Integer, primary_key=True)
    sales_order_id = db.Column(db.Integer, db.ForeignKey("sales_orders.id"), nullable=False)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    justification = db.Column(db.String(2000), nullable=False, default="")
    amount = db.Column(db.BigInteger, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="submitted")
    reviewed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    reviewed_at = db.Column(UTCDateTime(), nullable=True)
    reason = db.Column(db.String(1000), nullable=True)  # R-TXT-2: reasons up to 1,000
    new_sales_order_id = db.Column(db.Integer, db.ForeignKey("sales_orders.id"), nullable=True, unique=True)
    created_at = db.Column(UTCDateTime(), nullable=False, default=lambda: clock.now())

    sales_order = db.relationship(SalesOrder, foreign_keys=[sales_order_id], lazy="joined")
    new_sales_order = db.relationship(SalesOrder, foreign_keys=[new_sales_order_id])
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])
    plan_lines = db.relationship("ReissuePlanLine", back_populates="request", lazy="selectin",
                                 order_by="ReissuePlanLine.id")

    def __repr__(self):
        return f"<ReissueRequest {self.id} {self.status}>"


class ReissuePlanLine(db.Model):
    """One line of the training plan that must cover the reissued credits (R-RSS-2)."""

    __tablename__ = "reissue_plan_lines"
    __table_args__ = (db.CheckConstraint("credits > 0", name="credits_positive"),)

    id = db.Column(db.Integer, primary_key=True)
    request_id = db.Column(db.Integer, db.ForeignKey("reissue_requests.id"), nullable=False, index=True)
    item = db.Column(db.String(500), nullable=False)  # R-TXT-2: plan items up to 500
    category = db.Column(db.String(40), nullable=False)
    planned_on = db.Column(db.Date, nullable=False)
    credits = db.Column(db.BigInteger, nullable=False)

    request = db.relationship(ReissueRequest, back_populates="plan_lines")
