"""CE items, claims, evidence and exams (R-CEI-1, R-CEC-*, R-CEX-1).

A claim moves planned -> pending -> earned | denied, or planned -> cancelled | lapsed; each
transition is a compare-and-set on `status`, so it happens once (409 for the second).
"""
import hashlib
from datetime import timedelta

from sqlalchemy import func, select, update

from .. import clock
from ..accounts.models import User
from ..db import transactional
from ..errors import ClcError, Conflict, Forbidden, NotFound, RuleViolation
from ..extensions import db
from ..ledger.models import ELIGIBLE_CATEGORIES
from . import rules
from . import specializations as specialization_rules
from .models import DELIVERIES, EXAM_KINDS, CeItem, Certification, Claim, ClaimEvidence, Exam, Person, Voucher
from .people import can_see, get_person, may_act_for, require_manager
from .progress import recertify

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# Types are recognised by their first bytes, never by the name or the declared type.
MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class TooLarge(ClcError):
    code = 413


# --- catalog (R-CEI-1) ---------------------------------------------------------------

@transactional
def create_item(*, code, title, credits, delivery, clc_category=None, list_price=None, points=None,
                specializations=None):
    if not isinstance(credits, int) or isinstance(credits, bool) or not 1 <= credits <= 120:
        raise RuleViolation("CE credits are a whole number from 1 to 120.", {"credits": ["1 to 120."]})
    if delivery not in DELIVERIES:
        raise RuleViolation(f"Unknown delivery {delivery!r}.", {"delivery": ["One of: " + ", ".join(DELIVERIES)]})
    if clc_category is not None and clc_category not in ELIGIBLE_CATEGORIES:
        raise RuleViolation(f"{clc_category!r} is not an eligible CLC category.",
                            {"clc_category": ["One of: " + ", ".join(ELIGIBLE_CATEGORIES)]})
    code = code.strip()
    specialization_rules.check_item_points(points, specializations)
    if db.session.scalar(select(CeItem.id).where(CeItem.code == code)):
        raise Conflict(f"A CE item with code {code} already exists.")
    item = CeItem(code=code, title=title.strip(), credits=credits, delivery=delivery, clc_category=clc_category,
                  list_price=list_price, points=points)
    db.session.add(item)
    db.session.flush()
    specialization_rules.link_item(item, specializations)
    return item


def list_items(q=None):
    query = select(CeItem).order_by(CeItem.code)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(func.lower(CeItem.code).like(pattern) | func.lower(CeItem.title).like(pattern))
    return db.session.scalars(query.limit(500)).all()


def _item(item_id):
    """The catalog item named in a request body: only catalog items earn credits (R-CEI-1);
    an unknown id is a bad field (422, R-MON-3), not a missing page."""
    item = db.session.get(CeItem, item_id)
    if item is None:
        raise RuleViolation(f"No CE item {item_id} in the catalog.", {"ce_item_id": ["No such CE item."]})
    return item


# --- submitting (R-CEC-2) ----------------------------------------------------------------

def check_submission(person, item, completed_on, *, except_claim_id=None):
    """R-CEC-2: completed_on not in the future, within the last 90 days, inside an active cycle
    of one of the person's certifications (422); the same item once per cycle (409)."""
    today = clock.today()
    if completed_on > today:
        raise RuleViolation(f"Training cannot be completed in the future (today is {today.isoformat()}).",
                            {"completed_on": ["Not after today."]})
    closed = rules.submit_window_closed_on(today)
    if completed_on <= closed:
        raise RuleViolation(
            f"Claims must be submitted within {rules.SUBMIT_WINDOW_DAYS} days of completion: the window for training "
            f"completed on {completed_on.isoformat()} closed on {(completed_on + timedelta(days=rules.SUBMIT_WINDOW_DAYS)).isoformat()}.",
            {"completed_on": [f"On or after {(closed + timedelta(days=1)).isoformat()}."]})
    cycles = [(c.cycle_started_on, c.expires_on) for c in db.session.scalars(
        select(Certification).where(Certification.person_id == person.id))
        if rules.status(c.expires_on, today) == "active" and rules.in_cycle(completed_on, c.cycle_started_on, c.expires_on)]
    if not cycles:
        raise RuleViolation("The training was not completed inside an active cycle of any of the person's "
                            "certifications.", {"completed_on": ["Outside every active cycle."]})
    query = select(Claim.completed_on).where(Claim.person_id == person.id, Claim.ce_item_id == item.id,
                                             Claim.status.in_(("pending", "earned")))
    if except_claim_id is not None:
        query = query.where(Claim.id != except_claim_id)
    for other in db.session.scalars(query):
        if any(rules.in_cycle(other, start, end) for start, end in cycles):
            raise Conflict(f"{item.code} was already claimed in this cycle (completed on {other.isoformat()}).")


@transactional
def submit_claim(*, viewer_id, person_id, ce_item_id, completed_on, validation_code=None):
    viewer = db.session.get(User, viewer_id)
    person = get_person(person_id, viewer=viewer)
    if not may_act_for(viewer, person):
        raise Forbidden("Only the person, their captains or an administrator submit claims.")
    item = _item(ce_item_id)
    check_submission(person, item, completed_on)
    now = clock.now()
    claim = Claim(person_id=person.id, company_id=person.company_id, ce_item_id=item.id, status="pending",
                  credits=item.credits, credits_used=0, completed_on=completed_on,
                  validation_code=(validation_code or "").strip() or None, flagged=False, created_at=now,
                  submitted_at=now)
    db.session.add(claim)
    db.session.flush()
    specialization_rules.record_from_claim(claim, viewer.id)  # one item, credits and points (R-PTS-2)
    return claim


def get_claim(claim_id, *, viewer):
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"No claim {claim_id}.")
    get_person(claim.person_id, viewer=viewer)
    return claim


def list_claims(*, viewer, person_id=None, status=None, debit_id=None, company_id=None):
    query = select(Claim).order_by(Claim.id)
    if not viewer.is_admin:
        query = query.where(Claim.company_id == viewer.company_id)
    elif company_id is not None:
        query = query.where(Claim.company_id == company_id)
    if person_id is not None:
        query = query.where(Claim.person_id == person_id)
    if status is not None:
        query = query.where(Claim.status == status)
    if debit_id is not None:
        query = query.where(Claim.debit_id == debit_id)
    claims = db.session.scalars(query.limit(2000)).all()
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_({c.person_id for c in claims})))}
    return [claim for claim in claims if can_see(viewer, people[claim.person_id])]


def _move(claim, to_status, from_status, **values):
    """Compare-and-set one transition; 409 if the claim is no longer `from_status`."""
    changed = db.session.execute(update(Claim).where(Claim.id == claim.id, Claim.status == from_status)
                                 .values(status=to_status, **values)
                                 .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(claim)
    if changed != 1:
        raise Conflict(f"Claim {claim.id} is {claim.status}; it cannot become {to_status}.")


@transactional
def complete_claim(claim_id, *, viewer_id, completed_on, validation_code=None):
    """A planned claim becomes a submission, prefilled from its debit (R-CEL-2)."""
    viewer = db.session.get(User, viewer_id)
    claim = get_claim(claim_id, viewer=viewer)
    if not may_act_for(viewer, claim.person):
        raise Forbidden("Only the person, their captains or an administrator submit claims.")
    if claim.status != "planned":
        raise Conflict(f"Claim {claim.id} is {claim.status}; only a planned claim is completed.")
    check_submission(claim.person, claim.item, completed_on, except_claim_id=claim.id)
    _move(claim, "pending", "planned", completed_on=completed_on, submitted_at=clock.now(),
          validation_code=(validation_code or "").strip() or claim.validation_code)
    specialization_rules.record_from_claim(claim, viewer.id)
    return claim


def _reviewer(viewer_id, claim):
    viewer = db.session.get(User, viewer_id)
    get_claim(claim.id, viewer=viewer)
    require_manager(viewer, claim.company_id)
    if claim.person.user_id == viewer.id:
        raise Forbidden("Nobody reviews their own claim (R-CEC-3).")
    return viewer


@transactional
def earn_claim(claim_id, *, viewer_id):
    """Record Cisco's decision: earned. Needs a validation code or an evidence file. A claim
    pending on the expiry day counts as of completed_on, so it can still recertify (R-CEC-3).
    Returns (claim, warnings)."""
    claim = db.session.get(Claim, claim_id) or get_claim(claim_id, viewer=db.session.get(User, viewer_id))
    viewer = _reviewer(viewer_id, claim)
    if claim.status == "pending" and not claim.validation_code and not _evidence_count(claim.id):
        raise RuleViolation("A claim needs a validation code or an evidence file before it is earned.",
                            {"evidence": ["Add a validation code or a file."]})
    _move(claim, "earned", "pending", resolved_at=clock.now(), resolved_by_id=viewer.id)
    return claim, recertify(claim.person_id, actor_id=viewer.id)


@transactional
def deny_claim(claim_id, *, viewer_id, reason):
    claim = db.session.get(Claim, claim_id) or get_claim(claim_id, viewer=db.session.get(User, viewer_id))
    viewer = _reviewer(viewer_id, claim)
    if not reason or not reason.strip():
        raise RuleViolation("Say why the claim is denied.", {"reason": ["Required."]})
    _move(claim, "denied", "pending", reason=reason.strip(), resolved_at=clock.now(), resolved_by_id=viewer.id)
    return claim


# --- evidence (R-CEC-1) ----------------------------------------------------------------------

def sniff(content):
    for magic, mimetype in MAGIC:
        if content.startswith(magic):
            return mimetype
    return None


def _evidence_count(claim_id):
    return db.session.scalar(select(func.count(ClaimEvidence.id)).where(ClaimEvidence.claim_id == claim_id))


@transactional
def add_evidence(claim_id, *, viewer_id, filename, content):
    """Keep a PDF, PNG or JPEG (recognised by content) with its SHA-256; at most 5 files and
    10 MB per claim; only while the claim is planned or pending."""
    viewer = db.session.get(User, viewer_id)
    claim = get_claim(claim_id, viewer=viewer)
    if not may_act_for(viewer, claim.person):
        raise Forbidden("Only the person, their captains or an administrator add evidence.")
    if claim.status not in ("planned", "pending"):
        raise Conflict(f"Claim {claim.id} is {claim.status}; its evidence no longer changes.")
    mimetype = sniff(content)
    if mimetype is None:
        raise RuleViolation("Evidence must be a PDF, PNG or JPEG file.", {"file": ["Not a PDF, PNG or JPEG."]})
    used = db.session.execute(select(func.count(ClaimEvidence.id), func.coalesce(func.sum(ClaimEvidence.size), 0))
                              .where(ClaimEvidence.claim_id == claim.id)).one()
    if used[0] >= MAX_FILES:
        raise RuleViolation(f"A claim keeps at most {MAX_FILES} files.", {"file": [f"At most {MAX_FILES} files."]})
    if int(used[1]) + len(content) > MAX_BYTES:
        raise TooLarge("A claim's evidence files add up to at most 10 MB.")
    evidence = ClaimEvidence(claim_id=claim.id, filename=(filename or "evidence")[-200:], mimetype=mimetype,
                             size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content,
                             uploaded_at=clock.now())
    db.session.add(evidence)
    db.session.flush()
    return evidence


def evidence_of(claim_id):
    return db.session.scalars(select(ClaimEvidence).where(ClaimEvidence.claim_id == claim_id)
                              .order_by(ClaimEvidence.id)).all()


# --- exams (R-CEX-1) ---------------------------------------------------------------------------

@transactional
def record_exam(person_id, *, viewer_id, code, kind, passed_on):
    """An exam passed counts toward pathways; returns (exam, warnings)."""
    viewer = db.session.get(User, viewer_id)
    person = get_person(person_id, viewer=viewer)
    if not may_act_for(viewer, person):
        raise Forbidden("Only the person, their captains or an administrator record exams.")
    if kind not in EXAM_KINDS:
        raise RuleViolation(f"Unknown exam kind {kind!r}.", {"kind": ["One of: " + ", ".join(EXAM_KINDS)]})
    if passed_on > clock.today():
        raise RuleViolation("An exam cannot be passed in the future.", {"passed_on": ["Not after today."]})
    exam = Exam(person_id=person.id, code=code.strip(), kind=kind, passed_on=passed_on, created_at=clock.now())
    db.session.add(exam)
    voucher = db.session.scalars(select(Voucher).where(Voucher.person_id == person.id, Voucher.used_on.is_(None),
                                                       Voucher.valid_until >= passed_on)
                                 .order_by(Voucher.valid_until, Voucher.id).limit(1)).first()
    if voucher is not None:  # the voucher soonest to lapse paid for it
        voucher.used_on = passed_on
    db.session.flush()
    return exam, recertify(person.id, actor_id=viewer.id)
