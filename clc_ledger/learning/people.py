"""People and their certifications (R-PPL-*, R-CRT-*): the roster, certifications with their
cycles, and who may see and change them."""
from datetime import timedelta

from sqlalchemy import select

from .. import clock
from ..accounts.models import Company, User
from ..db import transactional
from ..errors import Conflict, Forbidden, NotFound, RuleViolation
from ..extensions import db
from . import rules
from .models import LEVELS, Certification, Person, Recertification


# --- access (R-PPL-2, R-ACC-4) -----------------------------------------------------

def can_see(viewer, person):
    if viewer.is_admin:
        return True
    if person.company_id != viewer.company_id:
        return False
    return viewer.role in ("captain", "observer") or person.user_id == viewer.id


def get_person(person_id, *, viewer):
    """The person if the viewer may see them: captains and observers their company's people, a
    member only the person linked to them; anyone else 404, as for one that does not exist."""
    person = db.session.get(Person, person_id)
    if person is None or not can_see(viewer, person):
        raise NotFound(f"No person {person_id}.")
    return person


def require_manager(viewer, company_id):
    """Captains of the company and admins manage people and review claims."""
    if not (viewer.is_admin or (viewer.role == "captain" and viewer.company_id == company_id)):
        raise Forbidden("Only a team captain or an administrator does this.")


def may_act_for(viewer, person):
    """Who may record a person's claims and exams: managers, and the person's own login."""
    return viewer.is_admin or (viewer.company_id == person.company_id
                               and (viewer.role == "captain" or person.user_id == viewer.id))


def list_people(*, viewer, company_id=None):
    query = select(Person).order_by(Person.name, Person.id)
    if not viewer.is_admin:
        query = query.where(Person.company_id == viewer.company_id)
        if viewer.role not in ("captain", "observer"):
            query = query.where(Person.user_id == viewer.id)
    elif company_id is not None:
        query = query.where(Person.company_id == company_id)
    return db.session.scalars(query).all()


# --- roster (R-PPL-1) ----------------------------------------------------------------

def _clean_email(email):
    email = (email or "").strip()
    if "@" not in email or len(email) > 254 or any(ch.isspace() for ch in email):
        raise RuleViolation("Give a valid email address.", {"email": ["Not an email address."]})
    return email


def _check_link(user_id, company_id):
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or user.company_id != company_id:
        raise RuleViolation(f"No user {user_id} in this company.", {"user_id": ["Not a user of this company."]})


def _email_taken(company_id, email, except_id=None):
    query = select(Person.id).where(Person.company_id == company_id, db.func.lower(Person.email) == email.lower())
    if except_id is not None:
        query = query.where(Person.id != except_id)
    return db.session.scalar(query) is not None


@transactional
def create_person(*, viewer_id, name, email, company_id=None, cisco_id=None, user_id=None):
    viewer = db.session.get(User, viewer_id)
    if not viewer.is_admin:
        company_id = viewer.company_id
    elif company_id is None:
        raise RuleViolation("Name the company of the person.", {"company_id": ["Required for administrators."]})
    if db.session.get(Company, company_id) is None:
        raise NotFound("No such company.")
    require_manager(viewer, company_id)
    email = _clean_email(email)
    if not name or not name.strip():
        raise RuleViolation("Give the person's name.", {"name": ["Required."]})
    if _email_taken(company_id, email):
        raise Conflict(f"{email} is already on the company's roster.")
    _check_link(user_id, company_id)
    person = Person(company_id=company_id, name=name.strip(), email=email, cisco_id=cisco_id or None,
                    user_id=user_id, active=True, created_at=clock.now())
    db.session.add(person)
    db.session.flush()
    return person


@transactional
def update_person(person_id, *, viewer_id, **changes):
    viewer = db.session.get(User, viewer_id)
    person = get_person(person_id, viewer=viewer)
    require_manager(viewer, person.company_id)
    if "email" in changes:
        changes["email"] = _clean_email(changes["email"])
        if _email_taken(person.company_id, changes["email"], except_id=person.id):
            raise Conflict(f"{changes['email']} is already on the company's roster.")
    if "user_id" in changes:
        _check_link(changes["user_id"], person.company_id)
    if "name" in changes and not (changes["name"] or "").strip():
        raise RuleViolation("Give the person's name.", {"name": ["Required."]})
    for key, value in changes.items():
        setattr(person, key, value.strip() if isinstance(value, str) else value)
    return person


# --- certifications (R-CRT-*) ----------------------------------------------------------

@transactional
def add_certification(person_id, *, viewer_id, name, level, earned_on, cycle_started_on=None):
    """A certification earned (or earned again: a new record, the old one stays as history,
    R-CRT-2). earned_on in the future: 422. The cycle starts on earned_on unless given."""
    viewer = db.session.get(User, viewer_id)
    person = get_person(person_id, viewer=viewer)
    require_manager(viewer, person.company_id)
    if level not in LEVELS:
        raise RuleViolation(f"Unknown level {level!r}.", {"level": ["One of: " + ", ".join(LEVELS) + "."]})
    today = clock.today()
    if earned_on > today:
        raise RuleViolation(f"A certification cannot be earned in the future (today is {today.isoformat()}).",
                            {"earned_on": ["Not after today."]})
    started = cycle_started_on or earned_on
    if started < earned_on or started > today:
        raise RuleViolation("The cycle starts between the day it was earned and today.",
                            {"cycle_started_on": ["Between earned_on and today."]})
    if not name or not name.strip():
        raise RuleViolation("Name the certification.", {"name": ["Required."]})
    certification = Certification(person_id=person.id, company_id=person.company_id, name=name.strip(),
                                  level=level, earned_on=earned_on, cycle_started_on=started,
                                  expires_on=rules.cycle_end(level, started), created_at=clock.now())
    schedule_reminder(certification, today)
    db.session.add(certification)
    db.session.flush()
    return certification


def schedule_reminder(certification, today):
    """Set `next_reminder_on`: the day the next R-CRN-1 threshold not yet passed falls due.
    Thresholds already passed when a cycle starts are skipped except the most recent one."""
    if certification.expires_on is None:
        certification.next_reminder_on = None
        return
    days_left = (certification.expires_on - today).days
    due = [days for days in rules.reminder_days() if days >= days_left]
    upcoming = [days for days in rules.reminder_days() if days < days_left]
    if due:  # the most recent threshold passed is due now
        certification.next_reminder_on = today if days_left >= 1 else None
    elif upcoming:
        certification.next_reminder_on = certification.expires_on - timedelta(days=max(upcoming))
    else:
        certification.next_reminder_on = None


def start_cycle(certification, on, *, reason, pathway=None, credits_used=0, actor_id=None):
    """Move a certification to a new cycle starting `on`; the old one goes to the history."""
    record = Recertification(certification_id=certification.id, previous_started_on=certification.cycle_started_on,
                             previous_expires_on=certification.expires_on, new_started_on=on, reason=reason,
                             pathway=pathway, credits_used=credits_used, recorded_by_id=actor_id,
                             recorded_at=clock.now())
    db.session.add(record)
    certification.cycle_started_on = on
    certification.expires_on = rules.cycle_end(certification.level, on)
    schedule_reminder(certification, clock.today())
    db.session.flush()
    return record


@transactional
def record_cisco_date(certification_id, *, viewer_id, cycle_started_on):
    """A captain records the cycle start Cisco actually shows (R-CRT-3); kept in the history."""
    viewer = db.session.get(User, viewer_id)
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        raise NotFound(f"No certification {certification_id}.")
    get_person(certification.person_id, viewer=viewer)
    require_manager(viewer, certification.company_id)
    if cycle_started_on > clock.today() or cycle_started_on < certification.earned_on:
        raise RuleViolation("The cycle starts between the day it was earned and today.",
                            {"cycle_started_on": ["Between earned_on and today."]})
    start_cycle(certification, cycle_started_on, reason="cisco_date", actor_id=viewer.id)
    return certification


def certifications_of(person_id):
    return db.session.scalars(select(Certification).where(Certification.person_id == person_id)
                              .order_by(Certification.id)).all()


def history_of(certification_id):
    return db.session.scalars(select(Recertification).where(Recertification.certification_id == certification_id)
                              .order_by(Recertification.id)).all()
