"""A debit whose transaction is retried (a lost lock race, RetryTransaction) is written once,
and its second attempt is not confused by the first one's rows, which were rolled back."""
from sqlalchemy import func, select

from clc_ledger.accounts.models import User
from clc_ledger.db import RetryTransaction, transactional
from clc_ledger.extensions import db
from clc_ledger.ledger.debits import request_debit
from clc_ledger.ledger.models import Debit, DebitAllocation

from ..helpers import ledger_sum


def test_a_debit_retried_after_it_was_written_is_written_once(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    mo = db.session.scalar(select(User.id).where(User.username == "mo"))
    first_attempts = []

    @transactional
    def debit_losing_a_race_once():
        debit = request_debit(requester_id=mo, amount=250, category="exam_voucher", description="CCNA exam")
        if not first_attempts:
            first_attempts.append(debit)  # still alive, as a traceback would keep it
            raise RetryTransaction()
        return debit

    debit = debit_losing_a_race_once()
    assert (debit.status, debit.amount, [(a.sales_order.so_number, a.amount) for a in debit.allocations]) == \
        ("posted", 250, [("SO-1", 250)])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Debit)) == 1
    assert db.session.scalar(select(func.count()).select_from(DebitAllocation)) == 1
    assert ledger_sum("SO-1") == 750
