"""Training bought with CLCs earns credits (R-CEL-1..4).

The ledger knows nothing of learning: it sends signals (ledger/signals.py) inside its own
transactions, and the receivers here act in that same transaction. A debit's training is
validated when it is requested; posting (at once or on approval, exactly once: a
compare-and-set on the debit's status) creates one planned claim per attendee and, for
exam vouchers, one voucher per attendee.
"""
import logging
from datetime import timedelta

from sqlalchemy import select, update

from .. import clock
from ..accounts.models import Company, User
from ..db import transactional
from ..errors import NotFound, RuleViolation
from ..extensions import db
from ..ledger.debits import get_debit
from ..ledger.models import Debit
from ..ledger.signals import debit_posted, debit_requested, debit_reversed
from ..notifications import outbox
from . import rules
from .models import CeItem, Claim, DebitTraining, Person, Voucher

log = logging.getLogger(__name__)

EXAM_VOUCHER = "exam_voucher"


@debit_requested.connect
def _on_debit_requested(debit, *, ce_item_id, seats, attendees, **_):
    """R-CEL-1: attendees are people of the debit's company (else 404), at most the seats
    (422), each once; an item naming a CLC category must match the debit's (422)."""
    item = None
    if ce_item_id is not None:
        item = db.session.get(CeItem, ce_item_id)
        if item is None:
            raise RuleViolation(f"No CE item {ce_item_id}.", {"ce_item_id": ["No such CE item."]})
        if item.clc_category and item.clc_category != debit.category:
            raise RuleViolation(f"{item.code} is bought as {item.clc_category}, not {debit.category}.",
                                {"category": [f"Must be {item.clc_category} for {item.code}."]})
    if len(set(attendees)) != len(attendees):
        raise RuleViolation("Each attendee is named once.", {"attendees": ["Duplicate person."]})
    seats = seats if seats is not None else max(1, len(attendees))
    if len(attendees) > seats:
        raise RuleViolation(f"{len(attendees)} attendees for {seats} seats.", {"attendees": ["More than the seats."]})
    if attendees:
        found = set(db.session.scalars(select(Person.id).where(Person.id.in_(attendees),
                                                               Person.company_id == debit.company_id)))
        missing = [person_id for person_id in attendees if person_id not in found]
        if missing:
            raise NotFound(f"No person {missing[0]}.")
    db.session.add(DebitTraining(debit_id=debit.id, ce_item_id=ce_item_id, seats=seats, attendees=list(attendees)))
    db.session.flush()


@debit_posted.connect
def _on_debit_posted(debit, *, now, names_training=None, **_):
    """R-CEL-2, R-CEL-4: one planned claim per attendee, and a voucher per attendee of an exam
    voucher debit, in the posting transaction."""
    if names_training is False:  # posted as requested, naming no training: nothing to look up
        return
    training = db.session.get(DebitTraining, debit.id)
    if training is None or not training.attendees:
        return
    posted_on = now.astimezone(clock.zone()).date()
    if training.ce_item_id is not None:
        item = db.session.get(CeItem, training.ce_item_id)
        for person_id in training.attendees:
            db.session.add(Claim(person_id=person_id, company_id=debit.company_id, ce_item_id=item.id,
                                 debit_id=debit.id, status="planned", credits=item.credits, credits_used=0,
                                 expected_on=debit.event_date or posted_on, flagged=False, created_at=now))
    if debit.category == EXAM_VOUCHER:
        for person_id in training.attendees:
            db.session.add(Voucher(debit_id=debit.id, person_id=person_id, company_id=debit.company_id,
                                   valid_until=rules.add_years(posted_on, 1)))
    db.session.flush()


@debit_reversed.connect
def _on_debit_reversed(debit, **_):
    """R-CEL-3: an upheld dispute cancels the debit's planned claims and flags its others."""
    now = clock.now()
    db.session.execute(update(Claim).where(Claim.debit_id == debit.id, Claim.status == "planned")
                       .values(status="cancelled", resolved_at=now).execution_options(synchronize_session=False))
    db.session.execute(update(Claim).where(Claim.debit_id == debit.id, Claim.status != "cancelled")
                       .values(flagged=True).execution_options(synchronize_session=False))


def training_of(debit_id):
    return db.session.get(DebitTraining, debit_id)


def prefill(debit_id, *, viewer):
    """What a claim form shows for a CE-bearing debit: its item, expected day, attendees."""
    debit = get_debit(debit_id, viewer=viewer)
    training = training_of(debit.id)
    if training is None or training.ce_item_id is None:
        raise NotFound(f"Debit {debit_id} names no CE item.")
    return {"debit_id": debit.id, "ce_item_id": training.ce_item_id, "completed_on": debit.event_date,
            "attendees": training.attendees}


# --- the lapse-planned-claims job (R-CEL-3) ----------------------------------------------------

def lapse_planned_claims(now=None):
    """Planned claims still planned 90 days after their event date become `lapsed` (the day
    after the last day they could have been submitted); each company's captains are told once,
    with what each seat cost. Idempotent."""
    now = now or clock.now()
    today = now.astimezone(clock.zone()).date()
    last = rules.submit_window_closed_on(today)
    companies = db.session.scalars(select(Claim.company_id).where(Claim.status == "planned", Claim.expected_on <= last)
                                   .distinct().order_by(Claim.company_id)).all()
    db.session.rollback()
    lapsed = 0
    for company_id in companies:
        lapsed += _lapse_company(company_id, last, now)
    return {"companies": len(companies), "claims_lapsed": lapsed}


@transactional
def _lapse_company(company_id, last, now):
    due = db.session.scalars(select(Claim).where(Claim.company_id == company_id, Claim.status == "planned",
                                                 Claim.expected_on <= last).order_by(Claim.id)).all()
    rows = []
    for claim in due:
        changed = db.session.execute(update(Claim).where(Claim.id == claim.id, Claim.status == "planned")
                                     .values(status="lapsed", resolved_at=now)
                                     .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            continue
        debit = db.session.get(Debit, claim.debit_id) if claim.debit_id else None
        training = training_of(claim.debit_id) if claim.debit_id else None
        seat_cost = debit.amount // training.seats if debit is not None and training is not None else 0
        rows.append({"person": claim.person.name, "item": claim.item.title, "code": claim.item.code,
                     "credits": claim.credits, "expected_on": claim.expected_on, "debit_id": claim.debit_id,
                     "seat_cost": seat_cost})
    if not rows:
        return 0
    company = db.session.get(Company, company_id)
    outbox.enqueue_notice("claims_lapsed", company.locale, to=captain_emails(company_id),
                          dedupe_key=f"claims-lapsed:{company_id}:{due[0].id}", company={"name": company.name},
                          claims=rows, total_cost=sum(row["seat_cost"] for row in rows))
    return len(rows)


def captain_emails(company_id):
    return db.session.scalars(select(User.email).where(User.company_id == company_id, User.role == "captain",
                                                       User.active).order_by(User.id)).all()


def voucher_window(today):
    """Vouchers that a 60- or 30-day reminder could be due for (R-CEL-4)."""
    return today, today + timedelta(days=max(rules.VOUCHER_REMINDER_DAYS))
