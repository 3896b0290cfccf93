"""Calendar feeds (R-CRN-2), written with the `icalendar` library (RFC 5545).

A feed lives at a secret URL `/calendar/<token>.ics`: the token is shown once, only its
SHA-256 is stored, and revoking it ends the feed. One all-day event per deadline
(certification expiry, SO expiry, exam-voucher lapse), each with a UID that stays the same
from one fetch to the next (so calendars update rather than duplicate), and alarms 90, 60,
30 and 7 days before.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from .. import clock
from ..accounts.models import Company, User
from ..db import transactional
from ..errors import NotFound
from ..extensions import db
from ..ledger.models import SalesOrder
from .models import CalendarToken, Certification, Person, Specialization, Voucher
from .people import get_person, require_manager

ALARM_DAYS = (90, 60, 30, 7)
UID_DOMAIN = "clc-ledger"


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _feed_url(token):
    return f"{current_app.config.get('CLC_BASE_URL', '').rstrip('/')}/calendar/{token}.ics"


@transactional
def issue_token(*, viewer_id, person_id=None, company_id=None):
    """A new secret feed URL for a person (anyone who may see them) or a company (its
    captains and observers, or an admin). Earlier tokens of the same feed stay valid until
    revoked."""
    viewer = db.session.get(User, viewer_id)
    if person_id is not None:
        person = get_person(person_id, viewer=viewer)
        company_id = person.company_id
    else:
        if db.session.get(Company, company_id) is None or not (
                viewer.is_admin or (viewer.company_id == company_id and viewer.role in ("captain", "observer"))):
            raise NotFound("No such company.")
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarToken(token_hash=_digest(token), person_id=person_id, company_id=company_id,
                                 created_at=clock.now()))
    return {"token": token, "url": _feed_url(token)}


@transactional
def revoke_tokens(*, viewer_id, person_id=None, company_id=None):
    """Revoke every live token of the feed; returns how many."""
    viewer = db.session.get(User, viewer_id)
    if person_id is not None:
        person = get_person(person_id, viewer=viewer)
        if not (viewer.is_admin or viewer.role == "captain" or person.user_id == viewer.id):
            require_manager(viewer, person.company_id)
        where = CalendarToken.person_id == person_id
    else:
        if db.session.get(Company, company_id) is None or not (
                viewer.is_admin or (viewer.company_id == company_id and viewer.role in ("captain", "observer"))):
            raise NotFound("No such company.")
        where = (CalendarToken.company_id == company_id) & CalendarToken.person_id.is_(None)
    return db.session.execute(update(CalendarToken).where(where, CalendarToken.revoked_at.is_(None))
                              .values(revoked_at=clock.now()).execution_options(synchronize_session=False)).rowcount


def feed(token):
    """The iCalendar bytes of a live token's feed; NotFound for an unknown or revoked one."""
    found = db.session.scalar(select(CalendarToken).where(CalendarToken.token_hash == _digest(token),
                                                          CalendarToken.revoked_at.is_(None)))
    if found is None:
        raise NotFound("No such calendar.")
    from icalendar import Calendar  # imported when a feed is served: every process starts faster

    calendar = Calendar()
    calendar.add("prodid", "-//CLC Ledger//Learning deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _name(found))
    today = clock.today()
    certifications = select(Certification, Person.name).join(Person, Person.id == Certification.person_id).where(
        Certification.company_id == found.company_id, Certification.expires_on.is_not(None),
        Certification.expires_on >= today, Person.active)
    vouchers = select(Voucher, Person.name).join(Person, Person.id == Voucher.person_id).where(
        Voucher.company_id == found.company_id, Voucher.used_on.is_(None), Voucher.valid_until >= today)
    if found.person_id is not None:
        certifications = certifications.where(Certification.person_id == found.person_id)
        vouchers = vouchers.where(Voucher.person_id == found.person_id)
    for certification, name in db.session.execute(certifications.order_by(Certification.id)):
        calendar.add_component(_event(f"certification-{certification.id}", certification.expires_on,
                                      f"{certification.name} expires ({name})",
                                      f"Last day of the cycle that started on {certification.cycle_started_on}."))
    for voucher, name in db.session.execute(vouchers.order_by(Voucher.id)):
        calendar.add_component(_event(f"voucher-{voucher.id}", voucher.valid_until,
                                      f"Exam voucher lapses ({name})", f"Bought on debit #{voucher.debit_id}."))
    if found.person_id is None:
        for order in db.session.scalars(select(SalesOrder).where(
                SalesOrder.company_id == found.company_id, SalesOrder.status == "active",
                SalesOrder.expires_on >= today).order_by(SalesOrder.expires_on, SalesOrder.id)):
            calendar.add_component(_event(f"sales-order-{order.id}", order.expires_on,
                                          f"Learning Credits on {order.so_number} expire",
                                          "They expire at 12:01 a.m. on this day."))

        for specialization in db.session.scalars(select(Specialization).where(
                Specialization.company_id == found.company_id).order_by(Specialization.renewal_due_on,
                                                                        Specialization.id)):
            calendar.add_component(_event(f"specialization-{specialization.id}", specialization.renewal_due_on,
                                          f"{specialization.name} specialization renewal due",
                                          "Points count in the 12 months before this day (R-PTS-3)."))
    return calendar.to_ical()


def _name(token):
    if token.person_id is not None:
        return f"{db.session.get(Person, token.person_id).name}: certification deadlines"
    return f"{db.session.get(Company, token.company_id).name}: learning deadlines"


def _event(key, day, summary, description):
    """One all-day event; the UID names the deadline itself, not the fetch, so it is stable
    (a recertified certification keeps its UID and its event moves)."""
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", f"{key}@{UID_DOMAIN}")
    event.add("dtstamp", clock.now())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    for days in ALARM_DAYS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{summary}: in {days} days")
        alarm.add("trigger", timedelta(days=-days))
        event.add_component(alarm)
    return event
