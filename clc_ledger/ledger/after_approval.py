"""The balance after approval: one definition for the approval queue, the debits page and
the mail that asks a captain to decide (R-NOT-1).

    balance after approval = the company's balance now − this debit's amount
                           = available now + held by the other pending debits

The balance is R-SO-4's (available + held). Approving a pending debit moves no available
credits (they are held already, R-DEB-4), so "available now" alone would read the same on
every row; the balance after approval says what the company keeps if this one is paid and
the others are still to be decided. Credits of an SO past its expiry moment count only
while held (R-EXP-1, R-EXP-3).
"""
from .. import clock
from ..extensions import db
from .sales_orders import AVAILABLE_PARTS, available_at


def company_balance_now(company_id, *, now=None):
    """Hundredths: available + held over the company's SOs, as a person sees them now."""
    now = now or clock.now()
    rows = db.session.connection().execute(AVAILABLE_PARTS, {"company_id": company_id})
    return sum(available_at(status, expires_on, balance, held, now) + held
               for status, expires_on, balance, held in rows)


def balance_after_approval(debit_amount, balance_now):
    """Hundredths left once a pending debit of `debit_amount` posts, from company_balance_now."""
    return balance_now - debit_amount
