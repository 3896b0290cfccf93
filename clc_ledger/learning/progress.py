"""Progress and recertification from the database (R-CER-2, R-CRT-3, R-CEX-1).

The person's pool: every planned, pending or earned claim with what is still unused of it,
and every exam not yet consumed. `recertify(person_id)` runs after anything that can
complete a pathway (a claim earned, an exam recorded) in that same transaction.
"""
from collections import defaultdict

from sqlalchemy import select

from .. import clock
from ..extensions import db
from . import rules
from .models import LEVEL_RANK, Certification, Claim, Exam
from .people import certifications_of, start_cycle

_COUNTED = ("planned", "pending", "earned")


def pools(person_ids, among=None):
    """{person id: ([Credit], [ExamPass])} for many people in two queries. `among`: a SELECT
    of person ids covering `person_ids`, used in SQL instead of the list (thousands of bound
    parameters cost more than the subquery); only `person_ids` are returned."""
    credits, exams = defaultdict(list), defaultdict(list)
    if not person_ids:
        return {}
    connection = read_connection()
    who = person_ids if among is None else among
    # Rows unpacked as tuples, fetched at once: attribute access per column was most of the
    # cost of a pool for thousands of people.
    Credit, ExamPass = rules.Credit, rules.ExamPass
    for person_id, claim_id, completed_on, expected_on, amount, used, state in connection.execute(
            select(Claim.person_id, Claim.id, Claim.completed_on, Claim.expected_on, Claim.credits,
                   Claim.credits_used, Claim.status)
            .where(Claim.person_id.in_(who), Claim.status.in_(_COUNTED))).all():
        on = completed_on if state != "planned" else (completed_on or expected_on)
        credits[person_id].append(Credit(claim_id, on, amount - used, state))
    for person_id, exam_id, passed_on, kind in connection.execute(
            select(Exam.person_id, Exam.id, Exam.passed_on, Exam.kind)
            .where(Exam.person_id.in_(who), Exam.used_by_id.is_(None))).all():
        exams[person_id].append(ExamPass(exam_id, passed_on, kind))
    return {person_id: (credits[person_id], exams[person_id]) for person_id in person_ids}


def read_connection():
    """The session's connection for reads of thousands of plain columns, where the ORM's
    per-row loading costs more than the query; flushed first, as session.execute would."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection()


def view(certification, pool, today=None, options=None):
    """The API's view of one certification: cycle, status, days left and progress.
    `options`: rules.pathways(level), when the caller has read them already."""
    today = today or clock.today()
    credits, exams = pool
    shown = rules.progress(certification.level, certification.cycle_started_on, certification.expires_on,
                           credits, exams, options)
    expires_on = certification.expires_on
    days_left = None if expires_on is None else (expires_on - today).days
    state = rules.status(expires_on, today)
    at_risk = (state == "active" and days_left is not None and days_left <= rules.AT_RISK_DAYS
               and shown["gap_counting_all"] != 0)
    return {"id": certification.id, "person_id": certification.person_id, "name": certification.name,
            "level": certification.level, "status": state, "earned_on": certification.earned_on,
            "cycle_started_on": certification.cycle_started_on, "expires_on": expires_on, "days_left": days_left,
            "required": shown["required"], "earned": shown["earned"], "pending": shown["pending"],
            "projected": shown["projected"], "gap": shown["gap"], "best_pathway": shown["best_pathway"],
            "met": shown["met"], "at_risk": at_risk, "gap_all": shown["gap_counting_all"]}


def views_of_person(person_id, today=None):
    pool = pools([person_id])[person_id]
    return [view(certification, pool, today) for certification in certifications_of(person_id)]


def recertify(person_id, *, actor_id=None):
    """Recertify every certification of the person whose pathway is now complete (R-CRT-3),
    consuming what it used (R-CER-2), with the cascade to the same and lower levels. Returns
    R-CEX-1 warnings for completions more than 90 days early. Runs inside the caller's
    transaction."""
    warnings = []
    for _round in range(10):  # each round consumes activities, so this ends; 10 is a guard
        certifications = db.session.scalars(select(Certification).where(Certification.person_id == person_id)).all()
        credits, exams = pools([person_id])[person_id]
        done = None
        for certification in sorted(certifications, key=lambda c: -LEVEL_RANK[c.level]):
            if certification.expires_on is None:
                continue
            found = rules.completion(certification.level, certification.cycle_started_on, certification.expires_on,
                                     credits, exams)
            if found is not None:
                done = (certification, found)
                break
        if done is None:
            return warnings
        certification, found = done
        warnings += _early_warning(certification, found, credits)
        _consume(certification, found, actor_id)
        for other in certifications:
            if (other.id != certification.id and other.expires_on is not None
                    and LEVEL_RANK[other.level] <= LEVEL_RANK[certification.level]
                    and rules.in_cycle(found.on, other.cycle_started_on, other.expires_on)):
                start_cycle(other, found.on, reason="cascade", pathway=found.pathway, actor_id=actor_id)
    return warnings


def _consume(certification, found, actor_id):
    record = start_cycle(certification, found.on, reason="pathway", pathway=found.pathway,
                         credits_used=found.total_credits, actor_id=actor_id)
    for claim_id, part in found.credits.items():
        claim = db.session.get(Claim, claim_id)
        claim.credits_used += part
    for exam_id in found.exams:
        db.session.get(Exam, exam_id).used_by_id = record.id
    db.session.flush()
    return record


def _early_warning(certification, found, credits):
    """R-CEX-1: completing more than 90 days before expiry shortens the cycle: say the new
    expiry date and the earned credits that would expire unused."""
    if (certification.expires_on - found.on).days <= rules.EARLY_WARNING_DAYS:
        return []
    new_expiry = rules.cycle_end(certification.level, found.on)
    unused = sum(credit.credits - found.credits.get(credit.id, 0) for credit in credits
                 if credit.status == "earned" and credit.on is not None and credit.on < found.on
                 and rules.in_cycle(credit.on, certification.cycle_started_on, certification.expires_on))
    return [{"code": "early_recertification", "certification_id": certification.id,
             "new_expires_on": new_expiry.isoformat(), "credits_expiring_unused": unused,
             "message": f"{certification.name} recertifies {(certification.expires_on - found.on).days} days early: "
                        f"the new cycle expires on {new_expiry.isoformat()} and {unused} earned credits "
                        "would expire unused."}]
