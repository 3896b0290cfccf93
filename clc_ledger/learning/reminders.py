"""The `learning-reminders` job (R-CRN-1, R-CEL-4).

Certifications: 180, 90, 60, 30 and 7 days before `expires_on` (config
CLC_LEARNING_REMINDER_DAYS), each once per cycle, while the requirement is not met, to the
person and the company's captains, through the outbox, in the company's language. Each
certification carries `next_reminder_on`, the day its next reminder falls due: the job reads
only the certifications due today (an index), so its cost grows with what is due, not with
the roster. Late runs send only the most recent threshold passed, as expiry reminders do.

Exam vouchers: 60 and 30 days before one lapses unused, to the person and the captains.

Specializations (R-PTS-3): 90, 60 and 30 days before renewal is due while the window's
points are short of the requirement, to the captains, once per threshold and renewal date.
"""
from datetime import timedelta

from sqlalchemy import select

from .. import clock
from ..accounts.models import Company
from ..db import transactional
from ..extensions import db
from ..ledger.sales_orders import company_sales_orders
from ..notifications import outbox
from . import rules, specializations
from .clc_link import captain_emails
from .models import Certification, Person, Specialization, Voucher
from .progress import pools, view


def threshold_for(days_left, thresholds):
    """The most recent threshold passed with `days_left` to go, or None."""
    if days_left < 1:
        return None
    passed = [days for days in thresholds if days_left <= days]
    return min(passed) if passed else None


def send_learning_reminders(now=None):
    now = now or clock.now()
    today = now.astimezone(clock.zone()).date()
    due = db.session.scalars(select(Certification.id).where(Certification.next_reminder_on <= today)
                             .order_by(Certification.next_reminder_on, Certification.id)).all()
    vouchers = db.session.scalars(select(Voucher.id).where(
        Voucher.used_on.is_(None), Voucher.valid_until > today,
        Voucher.valid_until <= today + timedelta(days=max(rules.VOUCHER_REMINDER_DAYS)))).all()
    db.session.rollback()
    sent = sum(_remind_certification(certification_id, today) for certification_id in due)
    voucher_sent = sum(_remind_voucher(voucher_id, today) for voucher_id in vouchers)
    renewals = db.session.scalars(select(Specialization.id).where(
        Specialization.renewal_due_on > today,
        Specialization.renewal_due_on <= today + timedelta(days=max(specializations.REMINDER_DAYS)))).all()
    db.session.rollback()
    specialization_sent = sum(_remind_specialization(specialization_id, today) for specialization_id in renewals)
    return {"certifications_due": len(due), "certification_reminders": sent,
            "vouchers_checked": len(vouchers), "voucher_reminders": voucher_sent,
            "specializations_checked": len(renewals), "specialization_reminders": specialization_sent}


@transactional
def _remind_specialization(specialization_id, today):
    specialization = db.session.get(Specialization, specialization_id, populate_existing=True)
    days_left = (specialization.renewal_due_on - today).days
    threshold = threshold_for(days_left, specializations.REMINDER_DAYS)
    shown = specializations.view(specialization, today)
    to = captain_emails(specialization.company_id)
    if threshold is None or shown["short"] == 0 or not to:
        return 0
    company = db.session.get(Company, specialization.company_id)
    return int(outbox.enqueue_notice(
        "specialization_reminder", company.locale, to=to,
        dedupe_key=f"specialization-reminder:{specialization.id}:{specialization.renewal_due_on.isoformat()}:{threshold}",
        company={"name": company.name}, specialization={"name": specialization.name, "type": specialization.type},
        renewal_due_on=specialization.renewal_due_on, days_left=days_left, points=shown["points"],
        required=shown["required"], short=shown["short"], window_from=shown["window_from"]))


@transactional
def _remind_certification(certification_id, today):
    certification = db.session.get(Certification, certification_id, populate_existing=True)
    if certification.next_reminder_on is None or certification.next_reminder_on > today:
        return 0
    thresholds = rules.reminder_days()
    days_left = (certification.expires_on - today).days
    threshold = threshold_for(days_left, thresholds)
    later = [days for days in thresholds if days < min(days_left, threshold or days_left)]
    certification.next_reminder_on = certification.expires_on - timedelta(days=max(later)) if later else None
    person = certification.person
    if threshold is None or not person.active:
        return 0
    shown = view(certification, pools([person.id])[person.id], today)
    if shown["met"]:
        return 0
    company = db.session.get(Company, certification.company_id)
    orders = [order for order in company_sales_orders(company.id) if order.status == "active" and order.available > 0]
    soonest = min((order.sales_order.expires_on for order in orders), default=None)
    to = [person.email] + [email for email in captain_emails(company.id) if email != person.email]
    return int(outbox.enqueue_notice(
        "certification_reminder", company.locale, to=to,
        dedupe_key=f"cert-reminder:{certification.id}:{certification.cycle_started_on.isoformat()}:{threshold}",
        company={"name": company.name}, person={"name": person.name},
        certification={"name": certification.name, "level": certification.level,
                       "expires_on": certification.expires_on},
        days_left=days_left, threshold=threshold, required=shown["required"], earned=shown["earned"],
        pending=shown["pending"], projected=shown["projected"], gap=shown["gap"],
        pathway=(shown["best_pathway"] or {}).get("name"),
        clc_available=sum(order.available for order in orders), clc_soonest_expiry=soonest))


@transactional
def _remind_voucher(voucher_id, today):
    voucher = db.session.get(Voucher, voucher_id, populate_existing=True)
    days_left = (voucher.valid_until - today).days
    threshold = threshold_for(days_left, rules.VOUCHER_REMINDER_DAYS)
    if threshold is None or voucher.used_on is not None:
        return 0

    person = db.session.get(Person, voucher.person_id)
    company = db.session.get(Company, voucher.company_id)
    to = [person.email] + [email for email in captain_emails(company.id) if email != person.email]
    return int(outbox.enqueue_notice(
        "voucher_reminder", company.locale, to=to, dedupe_key=f"voucher-reminder:{voucher.id}:{threshold}",
        company={"name": company.name}, person={"name": person.name}, valid_until=voucher.valid_until,
        days_left=days_left, threshold=threshold, debit_id=voucher.debit_id))
