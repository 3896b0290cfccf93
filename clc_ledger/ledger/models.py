"""Sales orders (credit blocks) and the append-only ledger of every change to their credits."""
import hashlib
import json

from sqlalchemy import DDL, event
from sqlalchemy.orm import synonym

from .. import clock
from ..db import UTCDateTime
from ..extensions import db

SO_STATUSES = ("booked", "invoiced", "active", "expired", "closed")
ENTRY_KINDS = ("activation", "hold", "release", "debit", "reversal", "expiry", "reissue_out", "reissue_in")
# Kinds that move the SO's balance (R-SO-4); hold/release only move what is reserved.
BALANCE_KINDS = frozenset({"activation", "debit", "reversal", "expiry", "reissue_out", "reissue_in"})
HOLD_KINDS = frozenset({"hold", "release"})

BigId = db.BigInteger().with_variant(db.Integer(), "sqlite")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SalesOrder(db.Model):
    """A block of credits bought on one Cisco sales order, with its own expiry (R-SO-*).

    `balance` and `held` are kept in step with the ledger in the same transaction as each
    entry, so reads never sum history; the database refuses any row that would overdraw.
    """

    __tablename__ = "sales_orders"
    __table_args__ = (
        db.CheckConstraint(_in("status", SO_STATUSES), name="status"),
        db.CheckConstraint("credits > 0", name="credits_positive"),
        db.CheckConstraint("balance >= 0", name="balance_not_negative"),
        db.CheckConstraint("held >= 0 AND held <= balance", name="held_within_balance"),
        db.Index("ix_sales_orders_company_spendable", "company_id", "status", "expires_on"),
        # The expiry sweep: active SOs due by today, without reading the expired ones of past years.
        db.Index("ix_sales_orders_status_expires_on", "status", "expires_on"),
    )

    id = db.Column(db.Integer, primary_key=True)
    so_number = db.Column(db.String(40), nullable=False, unique=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    credits = db.Column(db.BigInteger, nullable=False)  # hundredths of a CLC
    status = db.Column(db.String(16), nullable=False, default="booked")
    booked_on = db.Column(db.Date, nullable=False)
    invoice_date = db.Column(db.Date, nullable=True)
    expires_on = db.Column(db.Date, nullable=True, index=True)
    activated_at = db.Column(UTCDateTime(), nullable=True)
    reissue_of_id = db.Column(db.Integer, db.ForeignKey("sales_orders.id"), nullable=True, unique=True)
    balance = db.Column(db.BigInteger, nullable=False, default=0)
    held = db.Column(db.BigInteger, nullable=False, default=0)
    created_at = db.Column(UTCDateTime(), nullable=False, default=lambda: clock.now())

    company = db.relationship("Company")
    reissue_of = db.relationship("SalesOrder", remote_side=[id], foreign_keys=[reissue_of_id])

    @property
    def available(self):
        return self.balance - self.held

    def __repr__(self):
        return f"<SalesOrder {self.so_number} {self.status}>"


class LedgerEntry(db.Model):
    """One change of credits on one SO; never updated or deleted (R-LED-1).

    Amounts are signed hundredths: + adds available credits. A hold is negative (credits
    leave `available` for `held`), its release positive. Each entry's hash covers its
    content, both its times included, and the previous entry of the same company (R-LED-2).

    Two times (R-LED-3), aware UTC instants: `effective_at` is when it happened under the
    rules (the expiry minute, the approval, the reversal): statements, running balances and
    "as of" reads go by it; `recorded_at` is when it was written. `at` is another name for
    `effective_at`. `deferred_from` ('YYYY-MM') is set when the entry belonged in a month
    whose statement was already issued, so it was made effective at the start of the next
    open month instead: it says why.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        db.CheckConstraint(_in("kind", ENTRY_KINDS), name="kind"),
        db.CheckConstraint("amount <> 0", name="amount_not_zero"),
        db.Index("ix_ledger_entries_company_effective_at", "company_id", "effective_at"),
    )

    id = db.Column(BigId, primary_key=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False)
    sales_order_id = db.Column(db.Integer, db.ForeignKey("sales_orders.id"), nullable=False, index=True)
    effective_at = db.Column(UTCDateTime(), nullable=False)
    recorded_at = db.Column(UTCDateTime(), nullable=False)
    deferred_from = db.Column(db.String(7), nullable=True)
    at = synonym("effective_at")
    kind = db.Column(db.String(16), nullable=False)
    amount = db.Column(db.BigInteger, nullable=False)
    debit_id = db.Column(db.Integer, db.ForeignKey("debits.id"), nullable=True, index=True)
    # Room for a debit's description (R-TXT-2: 500) or a rejection's reason (1,000) and the
    # words around it: never cut.
    description = db.Column(db.String(2000), nullable=False, default="")
    # What happened and what it names, worded when shown (ledger/notes.py, R-TXT-1); NULL on
    # entries written before notes, whose `description` holds an English sentence instead.
    note = db.Column(db.String(32), nullable=True)
    refs = db.Column(db.JSON, nullable=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    prev_hash = db.Column(db.String(64), nullable=True)
    hash = db.Column(db.String(64), nullable=False, unique=True)

    sales_order = db.relationship(SalesOrder, lazy="joined")

    def content(self):
        """What the hash covers (entry_content)."""
        return entry_content(company_id=self.company_id, sales_order_id=self.sales_order_id,
                             effective_at=self.effective_at, recorded_at=self.recorded_at,
                             deferred_from=self.deferred_from, kind=self.kind, amount=self.amount,
                             debit_id=self.debit_id, description=self.description, actor_id=self.actor_id,
                             note=self.note, refs=self.refs)

    def compute_hash(self):
        return chain_hash(self.prev_hash, self.content())


def entry_content(*, company_id, sales_order_id, effective_at, recorded_at, deferred_from, kind, amount,
                  debit_id, description, actor_id, note=None, refs=None):
    """What an entry's hash covers (R-LED-2), the one definition (the ledger writing and
    verifying, the benchmarks' bulk data): its columns, instants as ISO strings with
    microseconds so that it is the same on every database, and its note if it has one."""
    return {
        "company_id": company_id,
        "sales_order_id": sales_order_id,
        "effective_at": effective_at.isoformat(timespec="microseconds"),
        "recorded_at": recorded_at.isoformat(timespec="microseconds"),
        "deferred_from": deferred_from,
        "kind": kind,
        "amount": int(amount),
        "debit_id": debit_id,
        "description": description,
        "actor_id": actor_id,
        **note_content(note, refs),
    }


def note_content(note, refs):
    """The note's part of the hashed content: nothing for entries from before notes, so
    their hashes stay what they were."""
    return {} if note is None else {"note": note, "refs": refs or {}}


def chain_hash(prev_hash, content):
    """The hash of an entry: its content (LedgerEntry.content) chained to the previous one.
    Instants in `content` are ISO strings with microseconds (the same on every database)."""
    payload = json.dumps([prev_hash, content], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


# Append-only, enforced by the database itself so no code path (or person with a SQL prompt
# who forgets) can rewrite history. Migrations create the same triggers.
APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
]
APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$",
    "CREATE TRIGGER ledger_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_entries "
    "FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()",
    # A row trigger does not see TRUNCATE; this one does.
    "CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()",
]

for _statement in APPEND_ONLY_SQLITE:
    event.listen(LedgerEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in APPEND_ONLY_POSTGRESQL:
    event.listen(LedgerEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


DEBIT_STATUSES = ("pending", "posted", "rejected", "cancelled")
# R-DEB-2, in API.md's snake_case. Eligible ones map to the FAQ's names.
ELIGIBLE_CATEGORIES = {
    "instructor_led_training": "Instructor-led training",
    "digital_learning": "Self-paced digital learning",
    "exam_voucher": "Cisco exam vouchers",
    "certification_prep": "Cisco certification prep",
    "automation_bootcamp": "Automation bootcamp",
    "guided_study_group": "Guided study group",
    "cisco_live": "Cisco Live",
    "cisco_modeling_labs": "Cisco Modeling Labs",
    "customized_offering": "Customized offerings",
    "learning_network_store": "Cisco Learning Network Store",
}
REFUSED_CATEGORIES = {
    "learning_partner": "Payment to a Learning Partner directly",
    "equipment": "Cisco equipment",
    "services": "Cisco services",
    "cisco_press_books": "Cisco Press books",
    "class_materials": "Class materials",
    "travel": "Travel",
    "lodging": "Lodging",
}


class Debit(db.Model):
    """A redemption of credits (R-DEB-*). Pending = a hold (TigerBeetle's pending transfer):
    it resolves exactly once, by a compare-and-set on `status`."""

    __tablename__ = "debits"
    __table_args__ = (
        db.CheckConstraint(_in("status", DEBIT_STATUSES), name="status"),
        db.CheckConstraint("amount > 0", name="amount_positive"),
        db.Index("ix_debits_company_status", "company_id", "status", "requested_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    amount = db.Column(db.BigInteger, nullable=False)
    category = db.Column(db.String(40), nullable=False)
    description = db.Column(db.String(500), nullable=False)
    event_date = db.Column(db.Date, nullable=True)
    status = db.Column(db.String(16), nullable=False)
    requested_at = db.Column(UTCDateTime(), nullable=False)
    decided_at = db.Column(UTCDateTime(), nullable=True)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    reason = db.Column(db.String(1000), nullable=True)  # R-TXT-2: reasons up to 1,000
    reminded_at = db.Column(UTCDateTime(), nullable=True)  # the 30-day reminder (R-DEB-7), once

    requested_by = db.relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])
    allocations = db.relationship("DebitAllocation", back_populates="debit", lazy="selectin",
                                  order_by="DebitAllocation.id")


class DebitAllocation(db.Model):
    """How much of one debit is drawn from one SO (one debit may span several)."""

    __tablename__ = "debit_allocations"
    __table_args__ = (
        db.UniqueConstraint("debit_id", "sales_order_id", name="uq_debit_allocations_debit_so"),
        db.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id = db.Column(db.Integer, primary_key=True)
    debit_id = db.Column(db.Integer, db.ForeignKey("debits.id"), nullable=False, index=True)
    sales_order_id = db.Column(db.Integer, db.ForeignKey("sales_orders.id"), nullable=False, index=True)
    amount = db.Column(db.BigInteger, nullable=False)

    debit = db.relationship(Debit, back_populates="allocations")
    sales_order = db.relationship(SalesOrder, lazy="joined")


from .anchors import LedgerAnchor  # noqa: E402,F401  (its table is part of the schema)
