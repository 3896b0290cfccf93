"""Transaction notifications about debits (R-NOT-1, R-DEB-7), written to the outbox in the
same transaction as the change they report (R-NOT-2).

Who hears what:
- a debit awaiting approval: the company's captains except the requester, with the balance
  after approval (ledger.after_approval, the same number as the queue shows);
- a debit posted without approval: the captains; and the requester, with the balance left;
- a debit approved or rejected: the requester, with the balance left (and the reason);
- a debit pending 30 days: the captains, once; cancelled at 45 days: requester and captains.
"""
from sqlalchemy import bindparam, select

from .. import clock
from ..accounts.models import Company, User
from ..extensions import db
from ..ledger.after_approval import balance_after_approval, company_balance_now
from ..ledger.sales_orders import company_available
from ..ledger.signals import debit_notice, hold_released
from . import outbox

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


_users = User.__table__.c
_OTHER_CAPTAINS = (select(_users.email).where(_users.company_id == bindparam("company_id"), _users.role == "captain",
                                              _users.active, _users.id != bindparam("requester_id"))
                   .order_by(_users.id))


@debit_notice.connect
def _on_debit_notice(debit, *, event, **_):
    notify(event, debit)


@hold_released.connect
def _on_hold_released(debit, *, note, **_):
    notify(note, debit)  # the ways a hold is released are events of their own here


def notify(event, debit):
    known, notices = {}, []  # what the emails of one event share is read once; one insert
    if event == "debit_requested":
        if debit.status == "pending":
            _add("debit_awaiting_approval", debit, known, notices)
        else:
            _add("debit_posted_without_approval", debit, known, notices)
            _add("debit_posted", debit, known, notices)
    else:
        _add(event, debit, known, notices)
    outbox.enqueue_notices(notices)


def _add(event, debit, known, notices):
    spec = EVENTS[event]
    if spec is None:
        return
    template, audience = spec
    company = known.get("company") or db.session.get(Company, debit.company_id)
    known["company"] = company
    requester = debit.requested_by
    recipients = []
    if audience in ("captains", "both"):
        if "captains" not in known:
            known["captains"] = db.session.connection().scalars(
                _OTHER_CAPTAINS, {"company_id": company.id, "requester_id": requester.id}).all()
        recipients += known["captains"]
    if audience in ("requester", "both") and requester.active:
        recipients.append(requester.email)
    if not recipients:
        return
    if "remaining" not in known:
        db.session.flush()
        known["remaining"] = company_available(company.id, now=clock.now())
    remaining = known["remaining"]
    if template == "debit_awaiting_approval":  # the queue's and the debits page's number
        remaining = balance_after_approval(debit.amount, company_balance_now(company.id, now=clock.now()))
    notices.append(outbox.Notice(template, company.locale, recipients, f"{event}:{debit.id}", {
        "company": {"name": company.name}, "requester": {"username": requester.username},
        "debit": {"id": debit.id, "amount": debit.amount, "category": debit.category,
                  "description": debit.description, "reason": debit.reason},
        "remaining": remaining,
        "allocations": [(a.sales_order.so_number, a.amount) for a in debit.allocations]}))
