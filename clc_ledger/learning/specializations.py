"""Partner specializations and their Continuous Learning points (R-PTS-1..3).

A specialization is approved on a day and due for renewal 12 months later. Points count in
its window: from the day it was approved (or the day after its last renewal) to the day
before renewal is due, never further back than 12 months before that day; so they reset to
zero at each renewal. A person earns a knowledge session's points once per window, when they
start it online or pass its assessment (a download alone earns nothing); one entry counts
for every specialization of the company that the session is linked to. Points are whole
numbers; dates are local calendar dates.
"""
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import func, select

from .. import clock
from ..accounts.models import User
from ..db import transactional
from ..errors import Conflict, NotFound, RuleViolation
from ..extensions import db
from .models import (POINT_HOWS, POINT_VALUES, SPECIALIZATION_TYPES, CeItem, CeItemSpecialization, Person,
                     PointEntry, Specialization, SpecializationRenewal)
from .people import require_manager
from .rules import add_years

REQUIRED_POINTS = {"architecture": 100, "technology": 80, "express": 40}  # R-PTS-1 (config CLC_SPECIALIZATION_POINTS)
REMINDER_DAYS = (90, 60, 30)  # R-PTS-3


def required_points(kind):
    """Points a specialization of type `kind` needs at renewal, from configuration or defaults."""
    table = REQUIRED_POINTS
    if has_app_context():
        table = {**REQUIRED_POINTS, **(current_app.config.get("CLC_SPECIALIZATION_POINTS") or {})}
    return int(table[kind])


def window(specialization):
    """(first day, last day) in which points count toward the next renewal (R-PTS-3)."""
    due = specialization.renewal_due_on
    start = max(specialization.window_started_on, add_years(due, -1))
    return start, due - timedelta(days=1)


def _linked_ids(specialization):
    """Ids of the catalog items linked to the specialization's name (case-insensitive)."""
    return select(CeItemSpecialization.ce_item_id).where(
        func.lower(CeItemSpecialization.name) == specialization.name.lower())


def points_in(specialization, first, last):
    return db.session.scalar(
        select(func.coalesce(func.sum(PointEntry.points), 0)).where(
            PointEntry.company_id == specialization.company_id, PointEntry.ce_item_id.in_(_linked_ids(specialization)),
            PointEntry.earned_on >= first, PointEntry.earned_on <= last)) or 0


def view(specialization, today=None):
    """The API's shape of a specialization: points in the window against the requirement."""
    today = today or clock.today()
    first, last = window(specialization)
    points = points_in(specialization, first, last)
    required = required_points(specialization.type)
    return {"id": specialization.id, "company_id": specialization.company_id, "name": specialization.name,
            "type": specialization.type, "approved_on": specialization.approved_on,
            "renewal_due_on": specialization.renewal_due_on, "window_from": first, "window_to": last,
            "points": int(points), "required": required, "short": max(required - int(points), 0),
            "days_to_renewal": (specialization.renewal_due_on - today).days}


def top_contributors(specialization, limit=5):
    """[(person name, points)] in the current window, most points first."""
    first, last = window(specialization)
    rows = db.session.execute(
        select(Person.name, func.sum(PointEntry.points).label("points"))
        .join(Person, Person.id == PointEntry.person_id)
        .where(PointEntry.company_id == specialization.company_id,
               PointEntry.ce_item_id.in_(_linked_ids(specialization)),
               PointEntry.earned_on >= first, PointEntry.earned_on <= last)
        .group_by(Person.id, Person.name).order_by(func.sum(PointEntry.points).desc(), Person.name).limit(limit)).all()
    return [{"name": row.name, "points": int(row.points)} for row in rows]


def list_specializations(company_id):
    return db.session.scalars(select(Specialization).where(Specialization.company_id == company_id)
                              .order_by(Specialization.renewal_due_on, Specialization.name)).all()


def get_specialization(specialization_id, *, viewer):
    """The specialization if the viewer belongs to its company (or is an admin); else 404."""
    specialization = db.session.get(Specialization, specialization_id)
    if specialization is None or not (viewer.is_admin or viewer.company_id == specialization.company_id):
        raise NotFound(f"No specialization {specialization_id}.")
    return specialization


# --- catalog links (R-PTS-2) ----------------------------------------------------------

def check_item_points(points, specializations):
    """Knowledge-session points are 1, 5, 10 or 20 (else 422); linked names need points."""
    if points is not None and (isinstance(points, bool) or points not in POINT_VALUES):
        raise RuleViolation("Knowledge sessions carry 1, 5, 10 or 20 points.",
                            {"points": ["One of: 1, 5, 10, 20."]})
    if specializations and points is None:
        raise RuleViolation("An item linked to specializations carries points.",
                            {"points": ["Required with specializations."]})


def link_item(item, specializations):
    for name in sorted({(name or "").strip() for name in specializations or ()} - {""}):
        db.session.add(CeItemSpecialization(ce_item_id=item.id, name=name))


def item_specializations(item_ids):
    """{item id: [names]} for the given catalog items."""
    found = {}
    for row in db.session.execute(select(CeItemSpecialization).where(CeItemSpecialization.ce_item_id.in_(item_ids))
                                  .order_by(CeItemSpecialization.name)).scalars():
        found.setdefault(row.ce_item_id, []).append(row.name)
    return found


# --- services ------------------------------------------------------------------------

@transactional
def create_specialization(company_id, *, viewer_id, name, type, approved_on):
    """Record a specialization held (R-PTS-1): renewal due 12 months after approval."""
    viewer = db.session.get(User, viewer_id)
    require_manager(viewer, company_id)
    if type not in SPECIALIZATION_TYPES:
        raise RuleViolation(f"Unknown specialization type {type!r}.", {"type": ["One of: " + ", ".join(SPECIALIZATION_TYPES)]})
    name = name.strip()
    if not name:
        raise RuleViolation("Name the specialization.", {"name": ["Required."]})
    if approved_on > clock.today():
        raise RuleViolation("A specialization is approved today or earlier.", {"approved_on": ["In the future."]})
    taken = db.session.scalar(select(Specialization.id).where(Specialization.company_id == company_id,
                                                             func.lower(Specialization.name) == name.lower()))
    if taken:
        raise Conflict(f"The company already holds {name}.")
    specialization = Specialization(company_id=company_id, name=name, type=type, approved_on=approved_on,
                                    window_started_on=approved_on, renewal_due_on=add_years(approved_on, 1),
                                    created_at=clock.now())
    db.session.add(specialization)
    db.session.flush()
    return specialization


def _locked(specialization_id, viewer):
    get_specialization(specialization_id, viewer=viewer)
    # Serialises points and renewals of one specialization (PostgreSQL; SQLite writes one at a time).
    return db.session.scalars(select(Specialization).where(Specialization.id == specialization_id)
                              .with_for_update().execution_options(populate_existing=True)).one()


@transactional
def record_points(specialization_id, *, viewer_id, person_id, ce_item_id, on, how):
    """A person earned a linked knowledge session's points on `on` (R-PTS-2): `how` is
    `started` or `assessment_passed`; a download earns nothing (422). Once per person and
    session in the window (409); `on` inside the window and not after today (422)."""
    viewer = db.session.get(User, viewer_id)
    specialization = _locked(specialization_id, viewer)
    require_manager(viewer, specialization.company_id)
    if how not in POINT_HOWS:
        raise RuleViolation("Points are earned by starting a session online or passing its assessment; "
                            "a download alone earns nothing.", {"how": ["One of: " + ", ".join(POINT_HOWS)]})
    person = db.session.get(Person, person_id)
    if person is None or person.company_id != specialization.company_id:
        raise RuleViolation(f"No person {person_id} in this company.", {"person_id": ["Not on the roster."]})
    item = db.session.get(CeItem, ce_item_id)
    linked = item is not None and db.session.scalar(
        _linked_ids(specialization).where(CeItemSpecialization.ce_item_id == item.id)) is not None
    if not linked or not item.points:
        raise RuleViolation(f"CE item {ce_item_id} is not a knowledge session of {specialization.name}.",
                            {"ce_item_id": ["Not linked to this specialization."]})
    first, last = window(specialization)
    if on > clock.today():
        raise RuleViolation("Points are recorded on a day that has come.", {"on": ["In the future."]})
    if not first <= on <= last:
        raise RuleViolation(f"{on.isoformat()} is outside the points window of {specialization.name} "
                            f"({first.isoformat()} to {last.isoformat()}).", {"on": ["Outside the window."]})
    return _add_entry(person, item, on, how, first, last, viewer_id=viewer.id)


def _add_entry(person, item, on, how, first, last, *, viewer_id, claim_id=None):
    earlier = db.session.scalar(select(PointEntry.earned_on).where(
        PointEntry.person_id == person.id, PointEntry.ce_item_id == item.id,
        PointEntry.earned_on >= first, PointEntry.earned_on <= last))
    if earlier is not None:
        raise Conflict(f"{person.name} already earned the points of {item.code} in this window "
                       f"(on {earlier.isoformat()}).")
    entry = PointEntry(company_id=person.company_id, person_id=person.id, ce_item_id=item.id, claim_id=claim_id,
                       points=item.points, earned_on=on, how=how, recorded_by_id=viewer_id, recorded_at=clock.now())
    db.session.add(entry)
    db.session.flush()
    return entry


def record_from_claim(claim, viewer_id):
    """A completed CE claim for an item that also carries points records them too, once per
    window of each linked specialization the company holds (a repeat adds nothing)."""
    item = claim.item
    if not item.points or claim.completed_on is None:
        return None
    names = [name.lower() for name in item_specializations([item.id]).get(item.id, [])]
    held = [s for s in list_specializations(claim.company_id) if s.name.lower() in names]
    for specialization in held:
        first, last = window(specialization)
        if first <= claim.completed_on <= last:
            try:
                return _add_entry(claim.person, item, claim.completed_on, "assessment_passed", first, last,
                                  viewer_id=viewer_id, claim_id=claim.id)
            except Conflict:  # checked before anything is written
                return None
    return None


@transactional
def record_renewal(specialization_id, *, viewer_id, renewed_on, override_reason=None):
    """Renew (R-PTS-3): the points of the window up to `renewed_on` must reach the requirement,
    else 422 unless `override_reason` is given (kept in the history). The next renewal is due
    12 months after `renewed_on`, and points start again from zero the day after."""
    viewer = db.session.get(User, viewer_id)
    specialization = _locked(specialization_id, viewer)
    require_manager(viewer, specialization.company_id)
    first, last = window(specialization)
    if renewed_on > clock.today():
        raise RuleViolation("A renewal is recorded on a day that has come.", {"renewed_on": ["In the future."]})
    if renewed_on < first:
        raise RuleViolation(f"{specialization.name} was last approved or renewed on or after {first.isoformat()}.",
                            {"renewed_on": ["Before the window."]})
    points = int(points_in(specialization, first, min(renewed_on, last)))
    required = required_points(specialization.type)
    reason = (override_reason or "").strip() or None
    if points < required and reason is None:
        raise RuleViolation(f"{specialization.name} has {points} of the {required} points its renewal needs; "
                            f"give an override reason to renew anyway.", {"override_reason": ["Required when short."]})
    renewal = SpecializationRenewal(
        specialization_id=specialization.id, renewed_on=renewed_on, previous_due_on=specialization.renewal_due_on,
        next_due_on=add_years(renewed_on, 1), points=points, required=required,
        override_reason=reason if points < required else None, recorded_by_id=viewer.id, recorded_at=clock.now())
    specialization.renewal_due_on = renewal.next_due_on
    specialization.window_started_on = renewed_on + timedelta(days=1)
    db.session.add(renewal)
    db.session.flush()
    return renewal


def renewals_of(specialization_id):
    return db.session.scalars(select(SpecializationRenewal).where(
        SpecializationRenewal.specialization_id == specialization_id).order_by(SpecializationRenewal.id)).all()
