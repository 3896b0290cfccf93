"""Transaction notifications about debits (R-NOT-1, R-DEB-7), written to the outbox in the
same transaction as the change they report (R-NOT-2).

Who hears what:
- a debit awaiting approval: the company's captains except the requester, with the balance
  that would remain once it posts;
- a debit posted without approval: the captains; and the requester, with the balance left;
- a debit approved or rejected: the requester, with the balance left (and the reason);
- a debit pending 30 days: the captains, once; cancelled at 45 days: requester and captains.
"""
from sqlalchemy import select

from .. import clock
from ..accounts.models import Company, User
from ..extensions import db
from ..ledger.sales_orders import company_available
from . import outbox
from .mail import render_email

# event -> (template, who: "captains" | "requester" | "both")
EVENTS = {
    "debit_awaiting_approval": ("debit_awaiting_approval", "captains"),
    "debit_posted_without_approval": ("debit_posted_without_approval", "captains"),
    "debit_posted": ("debit_posted", "requester"),
    "debit_rejected": ("debit_rejected", "requester"),
    "debit_cancelled": None,  # the requester did it themselves: nobody needs an email
    "debit_pending_reminder": ("debit_pending_reminder", "captains"),
    "debit_auto_cancelled": ("debit_auto_cancelled", "both"),
}


def notify(event, debit):
    known = {}  # what both emails of one event share, read once
    if event == "debit_requested":
        if debit.status == "pending":
            _send("debit_awaiting_approval", debit, known)
        else:
            _send("debit_posted_without_approval", debit, known)
            _send("debit_posted", debit, known)
        return
    _send(event, debit, known)


def _send(event, debit, known):
    spec = EVENTS[event]
    if spec is None:
        return
    template, audience = spec
    company = db.session.get(Company, debit.company_id)
    requester = debit.requested_by
    recipients = []
    if audience in ("captains", "both"):
        if "captains" not in known:
            known["captains"] = db.session.scalars(
                select(User.email).where(User.company_id == company.id, User.role == "captain", User.active,
                                         User.id != requester.id).order_by(User.id)).all()
        recipients += known["captains"]
    if audience in ("requester", "both") and requester.active:
        recipients.append(requester.email)
    if not recipients:
        return
    if "remaining" not in known:
        db.session.flush()
        known["remaining"] = company_available(company.id, now=clock.now())
    subject, text, html = render_email(template, company.locale, company=company, debit=debit,
                                       requester=requester, remaining=known["remaining"],
                                       allocations=[(a.sales_order.so_number, a.amount) for a in debit.allocations])
    outbox.enqueue(to=recipients, subject=subject, text=text, html=html, dedupe_key=f"{event}:{debit.id}")
