"""Learning I: people, certifications, CE items, claims, exams, vouchers, calendar tokens.

CE credits are whole numbers, never money. Dates are local calendar dates in the program's
time zone; instants are aware UTC.
"""
from ..db import UTCDateTime
from ..extensions import db

LEVELS = ("entry", "associate", "specialist", "professional", "expert")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
EXAM_KINDS = ("associate", "specialist", "technology_core", "concentration", "expert_lab")
DELIVERIES = ("ilt", "vilt", "digital", "cisco_live_session", "bootcamp", "knowledge_session", "other")
CLAIM_STATUSES = ("planned", "pending", "earned", "denied", "cancelled", "lapsed")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Person(db.Model):
    """A learner on a company's roster (R-PPL-1); needs no login."""

    __tablename__ = "people"
    __table_args__ = (db.UniqueConstraint("company_id", "email", name="uq_people_company_email"),)

    id = db.Column(db.Integer, primary_key=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    email = db.Column(db.String(254), nullable=False)
    cisco_id = db.Column(db.String(64), nullable=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime(), nullable=False)


class Certification(db.Model):
    """One certification held by a person, with its current cycle (R-CRT-1). Status is computed
    on read (R-CRT-2); `next_reminder_on` is when the next R-CRN-1 reminder falls due, so the
    reminders job reads only what is due."""

    __tablename__ = "certifications"
    __table_args__ = (db.CheckConstraint(_in("level", LEVELS), name="level"),)

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("people.id"), nullable=False, index=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    level = db.Column(db.String(16), nullable=False)
    earned_on = db.Column(db.Date, nullable=False)
    cycle_started_on = db.Column(db.Date, nullable=False)
    expires_on = db.Column(db.Date, nullable=True, index=True)  # None: entry level never expires
    next_reminder_on = db.Column(db.Date, nullable=True, index=True)
    created_at = db.Column(UTCDateTime(), nullable=False)

    person = db.relationship(Person)


class Recertification(db.Model):
    """History: one row per cycle a certification left behind (R-CRT-3)."""

    __tablename__ = "recertifications"

    id = db.Column(db.Integer, primary_key=True)
    certification_id = db.Column(db.Integer, db.ForeignKey("certifications.id"), nullable=False, index=True)
    previous_started_on = db.Column(db.Date, nullable=False)
    previous_expires_on = db.Column(db.Date, nullable=True)
    new_started_on = db.Column(db.Date, nullable=False)
    reason = db.Column(db.String(32), nullable=False)  # pathway | cascade | cisco_date
    pathway = db.Column(db.String(64), nullable=True)
    credits_used = db.Column(db.Integer, nullable=False, default=0)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    recorded_at = db.Column(UTCDateTime(), nullable=False)


class CeItem(db.Model):
    """A catalog item that earns CE credits (R-CEI-1)."""

    __tablename__ = "ce_items"
    __table_args__ = (db.CheckConstraint("credits BETWEEN 1 AND 120", name="credits_range"),
                      db.CheckConstraint(_in("delivery", DELIVERIES), name="delivery"))

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(64), nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    credits = db.Column(db.Integer, nullable=False)
    delivery = db.Column(db.String(32), nullable=False)
    clc_category = db.Column(db.String(40), nullable=True)
    list_price = db.Column(db.BigInteger, nullable=True)  # CLC hundredths
    points = db.Column(db.Integer, nullable=True)


class DebitTraining(db.Model):
    """What a CE-bearing debit buys (R-CEL-1): the item and the seats."""

    __tablename__ = "debit_trainings"

    debit_id = db.Column(db.Integer, db.ForeignKey("debits.id"), primary_key=True)
    ce_item_id = db.Column(db.Integer, db.ForeignKey("ce_items.id"), nullable=True)
    seats = db.Column(db.Integer, nullable=False)
    attendees = db.Column(db.JSON, nullable=False, default=list)  # person ids, in the order given


class Claim(db.Model):
    """A CE submission (R-CEC-1). `credits_used`: how many of its credits a recertification
    consumed (R-CER-2). `expected_on`: for a planned claim, the day the training happens."""

    __tablename__ = "ce_claims"
    __table_args__ = (
        db.CheckConstraint(_in("status", CLAIM_STATUSES), name="status"),
        # One planned claim per attendee of a debit, whatever is retried (R-CEL-2).
        db.UniqueConstraint("debit_id", "person_id", name="uq_ce_claims_debit_person"),
        db.Index("ix_ce_claims_person_status", "person_id", "status"),
    )

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("people.id"), nullable=False)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    ce_item_id = db.Column(db.Integer, db.ForeignKey("ce_items.id"), nullable=False)
    debit_id = db.Column(db.Integer, db.ForeignKey("debits.id"), nullable=True, index=True)
    status = db.Column(db.String(16), nullable=False)
    credits = db.Column(db.Integer, nullable=False)
    credits_used = db.Column(db.Integer, nullable=False, default=0)
    completed_on = db.Column(db.Date, nullable=True)
    expected_on = db.Column(db.Date, nullable=True)
    validation_code = db.Column(db.String(100), nullable=True)
    reason = db.Column(db.String(1000), nullable=True)
    flagged = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(UTCDateTime(), nullable=False)
    submitted_at = db.Column(UTCDateTime(), nullable=True)
    resolved_at = db.Column(UTCDateTime(), nullable=True)
    resolved_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)

    person = db.relationship(Person)
    item = db.relationship(CeItem)


class ClaimEvidence(db.Model):
    """An evidence file of a claim, kept as uploaded with its SHA-256 (R-CEC-1)."""

    __tablename__ = "ce_claim_evidence"

    id = db.Column(db.Integer, primary_key=True)
    claim_id = db.Column(db.Integer, db.ForeignKey("ce_claims.id"), nullable=False, index=True)
    filename = db.Column(db.String(200), nullable=False)
    mimetype = db.Column(db.String(40), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    content = db.Column(db.LargeBinary, nullable=False)
    uploaded_at = db.Column(UTCDateTime(), nullable=False)


class Exam(db.Model):
    """An exam passed (R-CEX-1); `used_by_id` names the recertification that consumed it."""

    __tablename__ = "exams"
    __table_args__ = (db.CheckConstraint(_in("kind", EXAM_KINDS), name="kind"),)

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("people.id"), nullable=False, index=True)
    code = db.Column(db.String(64), nullable=False)
    kind = db.Column(db.String(24), nullable=False)
    passed_on = db.Column(db.Date, nullable=False)
    used_by_id = db.Column(db.Integer, db.ForeignKey("recertifications.id"), nullable=True)
    created_at = db.Column(UTCDateTime(), nullable=False)


class Voucher(db.Model):
    """An exam voucher bought with CLCs for one person, valid 12 months from posting (R-CEL-4)."""

    __tablename__ = "exam_vouchers"
    __table_args__ = (db.UniqueConstraint("debit_id", "person_id", name="uq_exam_vouchers_debit_person"),)

    id = db.Column(db.Integer, primary_key=True)
    debit_id = db.Column(db.Integer, db.ForeignKey("debits.id"), nullable=False)
    person_id = db.Column(db.Integer, db.ForeignKey("people.id"), nullable=False, index=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    valid_until = db.Column(db.Date, nullable=False, index=True)
    used_on = db.Column(db.Date, nullable=True)


class CalendarToken(db.Model):
    """A secret feed URL (R-CRN-2): only its SHA-256 is stored; revoking sets `revoked_at`."""

    __tablename__ = "calendar_tokens"

    id = db.Column(db.Integer, primary_key=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    person_id = db.Column(db.Integer, db.ForeignKey("people.id"), nullable=True, index=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    created_at = db.Column(UTCDateTime(), nullable=False)
    revoked_at = db.Column(UTCDateTime(), nullable=True)


# --- Learning II: partner specializations and their points (R-PTS-*) ----------------------

SPECIALIZATION_TYPES = ("architecture", "technology", "express")
POINT_VALUES = (1, 5, 10, 20)  # R-PTS-2
POINT_HOWS = ("started", "assessment_passed")  # a download alone earns nothing (R-PTS-2)


class CeItemSpecialization(db.Model):
    """The specializations (by name) a knowledge session's points count for (R-PTS-2)."""

    __tablename__ = "ce_item_specializations"

    ce_item_id = db.Column(db.Integer, db.ForeignKey("ce_items.id"), primary_key=True)
    name = db.Column(db.String(200), primary_key=True)


class Specialization(db.Model):
    """A partner company's specialization (R-PTS-1). Its points window runs from
    `window_started_on` (approval, then the day after each renewal) to the day before
    `renewal_due_on`, and never further back than 12 months before it (R-PTS-3)."""

    __tablename__ = "specializations"
    __table_args__ = (db.UniqueConstraint("company_id", "name", name="uq_specializations_company_name"),
                      db.CheckConstraint(_in("type", SPECIALIZATION_TYPES), name="type"))

    id = db.Column(db.Integer, primary_key=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    type = db.Column(db.String(16), nullable=False)
    approved_on = db.Column(db.Date, nullable=False)
    window_started_on = db.Column(db.Date, nullable=False)
    renewal_due_on = db.Column(db.Date, nullable=False, index=True)
    created_at = db.Column(UTCDateTime(), nullable=False)


class PointEntry(db.Model):
    """Points a person earned from a knowledge session on a day (R-PTS-2). One entry counts
    for every specialization of the company the session is linked to."""

    __tablename__ = "point_entries"
    __table_args__ = (db.CheckConstraint(_in("how", POINT_HOWS), name="how"),
                      db.Index("ix_point_entries_company_on", "company_id", "earned_on"))

    id = db.Column(db.Integer, primary_key=True)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=False)
    person_id = db.Column(db.Integer, db.ForeignKey("people.id"), nullable=False, index=True)
    ce_item_id = db.Column(db.Integer, db.ForeignKey("ce_items.id"), nullable=False)
    claim_id = db.Column(db.Integer, db.ForeignKey("ce_claims.id"), nullable=True)
    points = db.Column(db.Integer, nullable=False)
    earned_on = db.Column(db.Date, nullable=False)
    how = db.Column(db.String(24), nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    recorded_at = db.Column(UTCDateTime(), nullable=False)


class SpecializationRenewal(db.Model):
    """History: one row per renewal recorded (R-PTS-3), with the points it had and, when they
    fell short, the override reason given."""

    __tablename__ = "specialization_renewals"

    id = db.Column(db.Integer, primary_key=True)
    specialization_id = db.Column(db.Integer, db.ForeignKey("specializations.id"), nullable=False, index=True)
    renewed_on = db.Column(db.Date, nullable=False)
    previous_due_on = db.Column(db.Date, nullable=False)
    next_due_on = db.Column(db.Date, nullable=False)
    points = db.Column(db.Integer, nullable=False)
    required = db.Column(db.Integer, nullable=False)
    override_reason = db.Column(db.String(1000), nullable=True)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    recorded_at = db.Column(UTCDateTime(), nullable=False)


# The names an item's points count for, loaded with the item (API: CeItemOut.specializations).
CeItem.links = db.relationship(CeItemSpecialization, lazy="selectin", order_by=CeItemSpecialization.name)
CeItem.specializations = property(lambda item: [link.name for link in item.links])
