"""The team view's figures (R-TEAM-1): the lapse forecast with its reasons, the forecast by
month, and spend and yield for a period. Money in CLC hundredths (integers), credits whole
numbers, dates local calendar days.
"""
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from .. import clock
from ..disputes.models import Dispute
from ..extensions import db
from ..ledger.models import Debit
from .models import Certification, Claim, DebitTraining, Person, Recertification, Voucher
from .overview import company_rows, people_of, rows_query

REASONS = ("planned_after_expiry", "voucher_unused", "only_pending", "no_plan", "gap")


def forecast(company_id, *, viewer, within_days=180):
    """Active certifications expiring within `within_days` whose requirement is not met by
    earned credits, each with `reasons` (most telling first, R-TEAM-1):
    - `planned_after_expiry`: training bought for the person happens after the expiry day;
    - `voucher_unused`: the person holds an exam voucher not used yet;
    - `only_pending`: met only if claims under review are earned;
    - `no_plan`: short, with nothing pending or planned;
    - `gap`: short even counting pending and planned credits."""
    today = clock.today()
    rows = [row for row in company_rows(company_id, viewer=viewer, within_days=within_days) if row["gap"] > 0]
    person_ids = sorted({row["person_id"] for row in rows})
    planned = defaultdict(list)
    vouchers = set()
    if person_ids:
        # On PostgreSQL the window's people as a subquery (a superset of person_ids: only
        # their entries are read below) rather than thousands of bound ids, as in company_rows.
        who = person_ids
        if db.session.get_bind().dialect.name == "postgresql":
            who = people_of(rows_query(company_id, viewer=viewer, within_days=within_days))
        for person_id, expected_on in db.session.execute(select(Claim.person_id, Claim.expected_on).where(
                Claim.person_id.in_(who), Claim.status == "planned")):
            planned[person_id].append(expected_on)
        vouchers = set(db.session.scalars(select(Voucher.person_id).where(
            Voucher.person_id.in_(who), Voucher.used_on.is_(None), Voucher.valid_until >= today)))
    for row in rows:
        reasons = []
        if any(on is not None and on > row["expires_on"] for on in planned[row["person_id"]]):
            reasons.append("planned_after_expiry")
        if row["person_id"] in vouchers:
            reasons.append("voucher_unused")
        if row["gap_all"] == 0 and row["projected"] == 0:
            reasons.append("only_pending")
        if row["gap_all"] > 0:
            if row["pending"] == 0 and row["projected"] == 0 and "planned_after_expiry" not in reasons:
                reasons.append("no_plan")
            reasons.append("gap")
        row["reasons"] = reasons or ["only_pending"]
        row["reason"] = row["reasons"][0]
    return rows


def by_month(rows):
    """[{month 'YYYY-MM', certifications, credits_expiring}] for forecast rows: how many
    certifications expire in each month and the earned credits that expire with them unused."""
    months = {}
    for row in rows:
        month = row["expires_on"].strftime("%Y-%m")
        entry = months.setdefault(month, {"month": month, "certifications": 0, "credits_expiring": 0})
        entry["certifications"] += 1
        entry["credits_expiring"] += row["earned"]
    return [months[key] for key in sorted(months)]


def spend(company_id, first: date, last: date):
    """Spend and yield from `first` to `last` inclusive (R-TEAM-1):
    - `clc_spent`: CE-bearing debits posted in the period, less what upheld disputes reversed;
    - `credits_earned`: CE credits of claims earned with a completion in the period, and
      `credits_earned_from_clc` the part of them from training bought with CLCs;
    - `clc_per_credit`: `clc_spent` / `credits_earned_from_clc` (hundredths, rounded down; None
      when nothing was earned);
    - `clc_on_lapsed_seats`: what the seats cost whose planned claims lapsed (debits of the period);
    - `credits_expired_unused`: earned credits not consumed when the last cycle counting them
      ended inside the period."""
    zone = clock.zone()
    debits = {}
    for debit_id, amount, posted_at, seats in db.session.execute(
            select(Debit.id, Debit.amount, func.coalesce(Debit.decided_at, Debit.requested_at), DebitTraining.seats)
            .join(DebitTraining, DebitTraining.debit_id == Debit.id)
            .where(Debit.company_id == company_id, Debit.status == "posted", DebitTraining.ce_item_id.isnot(None))):
        if first <= posted_at.astimezone(zone).date() <= last:
            debits[debit_id] = (amount, seats)
    reversed_ = dict(db.session.execute(
        select(Dispute.debit_id, func.sum(Dispute.reversed_amount)).where(
            Dispute.company_id == company_id, Dispute.status == "upheld").group_by(Dispute.debit_id)).all())
    spent = sum(amount - (reversed_.get(debit_id) or 0) for debit_id, (amount, _) in debits.items())
    earned_rows = db.session.execute(select(Claim.credits, Claim.debit_id).where(
        Claim.company_id == company_id, Claim.status == "earned",
        Claim.completed_on >= first, Claim.completed_on <= last)).all()
    earned = sum(row.credits for row in earned_rows)
    from_clc = sum(row.credits for row in earned_rows if row.debit_id is not None)
    lapsed = db.session.scalars(select(Claim.debit_id).where(
        Claim.company_id == company_id, Claim.status == "lapsed", Claim.debit_id.in_(list(debits) or [0]))).all()
    lapsed_cost = sum(debits[debit_id][0] // debits[debit_id][1] for debit_id in lapsed)
    return {"from": first, "to": last, "clc_spent": spent, "credits_earned": earned,
            "credits_earned_from_clc": from_clc, "clc_per_credit": spent // from_clc if from_clc else None,
            "clc_on_lapsed_seats": lapsed_cost, "credits_expired_unused": _expired_unused(company_id, first, last)}


def _expired_unused(company_id, first, last):
    """Earned credits left unused when every cycle that counted them had ended in the period:
    a credit counts toward each cycle of the person's certifications that contains its
    completion day; a cycle ends at expiry or on the day before a recertification starts anew."""
    today = clock.today()
    cycles = defaultdict(list)  # person id -> [(start, end)]
    for row in db.session.execute(select(Certification.person_id, Certification.cycle_started_on,
                                         Certification.expires_on).where(Certification.company_id == company_id)):
        cycles[row.person_id].append((row.cycle_started_on, row.expires_on))
    for row in db.session.execute(
            select(Certification.person_id, Recertification.previous_started_on, Recertification.new_started_on)
            .join(Certification, Certification.id == Recertification.certification_id)
            .where(Certification.company_id == company_id)):
        cycles[row.person_id].append((row.previous_started_on, date.fromordinal(row.new_started_on.toordinal() - 1)))
    total = 0
    for claim in db.session.execute(select(Claim.person_id, Claim.completed_on, Claim.credits, Claim.credits_used).where(
            Claim.company_id == company_id, Claim.status == "earned", Claim.credits > Claim.credits_used)):
        ends = [end for start, end in cycles[claim.person_id]
                if start <= claim.completed_on and (end is None or claim.completed_on <= end)]
        if not ends or any(end is None for end in ends):
            continue
        ended = max(ends)
        if first <= ended <= last and ended < today:
            total += claim.credits - claim.credits_used
    return total


def people_count(company_id):
    return db.session.scalar(select(func.count(Person.id)).where(Person.company_id == company_id, Person.active))
