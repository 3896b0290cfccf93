"""Notices about reissue requests and disputes, queued in the service's own transaction
(R-NOT-2) and worded in the company's language at delivery:

- `reissue_submitted`: a captain asked for a reissue -> the back office (active admins);
- `reissue_approved` / `reissue_rejected`: the outcome -> the company's active captains;
- `dispute_opened`: a captain disputed a debit -> the company's captains and the back office;
- `dispute_resolved_team`: its outcome -> the back office and the captains other than the
  one who raised it (who gets `dispute_resolved`, addressed to them).
"""
from sqlalchemy import select

from ..accounts.models import Company, User
from ..extensions import db
from . import outbox


def back_office():
    """The active admins' addresses: the Learning Credits back office."""
    return db.session.scalars(select(User.email).where(User.role == "admin", User.active).order_by(User.id)).all()


def captains(company_id, *, but=None):
    query = select(User.email).where(User.company_id == company_id, User.role == "captain", User.active)
    if but is not None:
        query = query.where(User.id != but)
    return db.session.scalars(query.order_by(User.id)).all()


def _company(company_id):
    return db.session.get(Company, company_id)


def _request_values(request, sales_order, company):
    new = request.new_sales_order
    return {"company": {"name": company.name},
            "request": {"id": request.id, "so_number": sales_order.so_number, "amount": request.amount,
                        "status": request.status, "reason": request.reason, "justification": request.justification,
                        "requested_by": request.requested_by.username if request.requested_by else "",
                        "new_so_number": new.so_number if new else None,
                        "expires_on": new.expires_on.isoformat() if new and new.expires_on else None}}


def reissue_submitted(request, sales_order):
    company = _company(sales_order.company_id)
    outbox.enqueue_notice("reissue_submitted", company.locale, to=back_office(),
                          dedupe_key=f"reissue_submitted:{request.id}",
                          **_request_values(request, sales_order, company))


def reissue_decided(request, sales_order):
    company = _company(sales_order.company_id)
    template = "reissue_approved" if request.status == "approved" else "reissue_rejected"
    outbox.enqueue_notice(template, company.locale, to=captains(company.id), dedupe_key=f"{template}:{request.id}",
                          **_request_values(request, sales_order, company))


def _dispute_values(dispute, company):
    debit = dispute.debit
    return {"company": {"name": company.name},
            "dispute": {"id": dispute.id, "debit_id": dispute.debit_id, "status": dispute.status,
                        "reason": dispute.reason, "note": dispute.note, "reversed_amount": dispute.reversed_amount,
                        "raised_by": {"username": dispute.raised_by.username}},
            "debit": {"id": debit.id, "amount": debit.amount, "category": debit.category,
                      "description": debit.description}}


def dispute_opened(dispute):
    company = _company(dispute.company_id)
    outbox.enqueue_notice("dispute_opened", company.locale, to=captains(company.id) + back_office(),
                          dedupe_key=f"dispute_opened:{dispute.id}", **_dispute_values(dispute, company))


def dispute_resolved(dispute):
    company = _company(dispute.company_id)
    outbox.enqueue_notice("dispute_resolved_team", company.locale,
                          to=captains(company.id, but=dispute.raised_by_id) + back_office(),
                          dedupe_key=f"dispute_resolved_team:{dispute.id}", **_dispute_values(dispute, company))
