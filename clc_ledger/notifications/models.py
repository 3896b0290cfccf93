"""The outbox: every email is a row written in the same transaction as the change it reports
(R-NOT-2), sent later by `deliver-outbox` under a per-message lease so that it goes out once.

A row holds either the rendered email (subject, text, HTML: statements) or a notice's
template, language and a snapshot of its values, rendered when it is delivered: a debit
then pays for one short row, not for rendering two emails inside its transaction."""
from .. import clock
from ..db import UTCDateTime
from ..extensions import db

OUTBOX_STATUSES = ("pending", "sent", "failed")

BigId = db.BigInteger().with_variant(db.Integer(), "sqlite")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        db.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        db.CheckConstraint("template IS NOT NULL OR (subject IS NOT NULL AND text_body IS NOT NULL)",
                           name="rendered_or_template"),
        # The deliverer's question: what is pending and due?
        db.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id = db.Column(BigId, primary_key=True)
    # RFC 5322 Message-ID, made at enqueue and sent unchanged on every attempt.
    message_id = db.Column(db.String(255), nullable=False, unique=True)
    # The same notification is never enqueued twice (e.g. "expiry-reminder:12:30").
    dedupe_key = db.Column(db.String(200), nullable=True, unique=True)
    recipients = db.Column(db.JSON, nullable=False)  # list of addresses
    subject = db.Column(db.String(998), nullable=True)
    text_body = db.Column(db.Text, nullable=True)
    html_body = db.Column(db.Text, nullable=True)
    # A notice rendered at delivery: templates/mail/<template>.*, in `locale`, from `snapshot`
    # (plain JSON values taken in the transaction, so the email says what was true then).
    template = db.Column(db.String(100), nullable=True)
    locale = db.Column(db.String(35), nullable=True)
    snapshot = db.Column(db.JSON, nullable=True)
    status = db.Column(db.String(16), nullable=False, default="pending")
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime(), nullable=False)
    last_error = db.Column(db.Text, nullable=True)
    # Lease: a deliverer claims a message (compare-and-set) before it sends it.
    claimed_by = db.Column(db.String(200), nullable=True)
    claimed_until = db.Column(UTCDateTime(), nullable=True)
    created_at = db.Column(UTCDateTime(), nullable=False, default=lambda: clock.now())
    sent_at = db.Column(UTCDateTime(), nullable=True)

    attachments = db.relationship("OutboxAttachment", back_populates="message",
                                  order_by="OutboxAttachment.id", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.status} {self.subject or self.template!r}>"


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id = db.Column(BigId, primary_key=True)
    outbox_message_id = db.Column(BigId, db.ForeignKey("outbox_messages.id", ondelete="CASCADE"),
                                  nullable=False, index=True)
    filename = db.Column(db.String(255), nullable=False)
    mimetype = db.Column(db.String(127), nullable=False)
    content = db.Column(db.LargeBinary, nullable=False)

    message = db.relationship(OutboxMessage, back_populates="attachments")
