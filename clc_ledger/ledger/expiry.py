"""Expiry (R-EXP-1..3): from 12:01 a.m. on expires_on an SO's available credits are expired.

Reads apply it on the fly (sales_orders.view_of); this module writes it down as `expiry`
entries, both in the daily job and whenever a locked SO is touched after its expiry. The
entry is effective at the expiry minute however late it is written (R-EXP-1, R-LED-3), or
at the SO's latest entry when that came later (credits released or returned after expiry
expire at once, R-EXP-3, R-DSP-2), so no SO's running balance ever dips below zero.
"""
import logging

from sqlalchemy import func, select

from .. import clock
from ..accounts.models import Company
from ..db import transactional
from ..extensions import db
from ..money import credits_str
from . import store
from .entries import record_entries
from .models import LedgerEntry, SalesOrder
from .sales_orders import is_past_expiry
from .signals import credits_expired


def expire_if_due(company, sales_order, now, *, actor_id=None):
    """Expire what is available on an SO past its expiry; held credits survive (R-EXP-3).
    The caller holds the company lock. Returns the hundredths expired (0 if none)."""
    return expire_due(company, [sales_order], now, actor_id=actor_id)


def expire_due(company, sales_orders, now, *, actor_id=None):
    """expire_if_due for several SOs of one company at once (one append to its chain).
    Sends `credits_expired` once, naming each SO that had credits to expire."""
    due = [sales_order for sales_order in sales_orders
           if sales_order.status in ("active", "expired") and is_past_expiry(sales_order, now)]
    lines = [(sales_order, "expiry", -sales_order.available,
              {"at": expiry_effective_at(sales_order, now),
               "refs": {"so": sales_order.so_number, "on": sales_order.expires_on.isoformat()}})
             for sales_order in due if sales_order.available > 0]
    store.set_sales_order_statuses([sales_order for sales_order in due if sales_order.status != "expired"], "expired")
    rows = record_entries(company, lines, actor_id=actor_id, note="expired")
    expired = [(sales_order, -amount, row["effective_at"])  # as written: R-LED-3 may have moved it
               for (sales_order, _kind, amount, _said), row in zip(lines, rows, strict=True)]
    if expired:
        credits_expired.send(company, expired=expired, now=now)
    return sum(amount for _sales_order, amount, _at in expired)


def expiry_effective_at(sales_order, now):
    """When an expiry written at `now` took effect (R-LED-3): the expiry minute, or the SO's
    latest entry if that is later; never after `now`."""
    latest = db.session.scalar(select(func.max(LedgerEntry.effective_at))
                               .where(LedgerEntry.sales_order_id == sales_order.id))
    effective = clock.expiry_instant(sales_order.expires_on)
    if latest is not None and latest > effective:
        effective = latest
    return min(effective, now)


log = logging.getLogger(__name__)

BATCH_COMPANIES = 200  # companies expired per transaction by the daily job


def expire_credits(now):
    """The `expire-credits` job: write down every expiry due as of `now`. Idempotent.

    Only SOs whose expiry date has come are read (an index on status and expires_on), so the
    work grows with what expires, not with how many SOs exist. Companies are done in batches,
    one transaction each, their rows locked in id order (as every writer locks one company,
    no deadlock); should a batch fail, its companies are done again one per transaction.
    """
    local_today = now.astimezone(clock.zone()).date()
    due = db.session.execute(
        select(SalesOrder.company_id, SalesOrder.id)
        .where(SalesOrder.status == "active", SalesOrder.expires_on <= local_today)
        .order_by(SalesOrder.company_id, SalesOrder.id)
    ).all()
    db.session.rollback()
    by_company = {}
    for company_id, sales_order_id in due:
        by_company.setdefault(company_id, []).append(sales_order_id)
    items = list(by_company.items())
    expired_orders, expired_credits, failed = 0, 0, []
    for start in range(0, len(items), BATCH_COMPANIES):
        batch = items[start:start + BATCH_COMPANIES]
        try:
            results = [_expire_companies(batch, now)]
        except Exception:
            log.info("Expiring companies one by one: %s", [company_id for company_id, _ids in batch], exc_info=True)
            results = []
            for item in batch:
                try:
                    results.append(_expire_companies([item], now))
                except Exception:  # R-JOB-2: the others go on; this company is retried next run
                    log.exception("Credits of company %s could not be expired", item[0])
                    failed.append({"company_id": item[0]})
        for orders, credits in results:
            expired_orders += orders
            expired_credits += credits
    outcome = {"expired_sales_orders": expired_orders, "expired_credits": credits_str(expired_credits)}
    if failed:
        outcome["failed"] = failed
    return outcome


@transactional
def _expire_companies(batch, now):
    """Expire the given SOs of the given companies: [(company_id, [sales_order_id])]."""
    company_ids = sorted(company_id for company_id, _ids in batch)
    companies = {company.id: company for company in db.session.scalars(
        select(Company).where(Company.id.in_(company_ids)).order_by(Company.id)
        .with_for_update().execution_options(populate_existing=True))}
    sales_order_ids = [so_id for _company_id, ids in batch for so_id in ids]
    by_company = {}
    for sales_order in db.session.scalars(
            select(SalesOrder).where(SalesOrder.id.in_(sales_order_ids))
            .order_by(SalesOrder.company_id, SalesOrder.id).execution_options(populate_existing=True)):
        if sales_order.status == "active" and is_past_expiry(sales_order, now):
            by_company.setdefault(sales_order.company_id, []).append(sales_order)
    credits = sum(expire_due(companies[company_id], due, now) for company_id, due in by_company.items())
    return sum(len(due) for due in by_company.values()), credits
