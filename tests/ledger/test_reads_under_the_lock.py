"""R-SO-4: a decision reads the balances it writes from under the company lock, never from
objects the same session loaded earlier (a page's reads before the service call), since
another request may have moved those balances in between."""
import pytest
from sqlalchemy import select

from clc_ledger.errors import RuleViolation
from clc_ledger.extensions import db
from clc_ledger.ledger.debits import request_debit
from clc_ledger.ledger.models import SalesOrder
from clc_ledger.ledger.verify import ledger_problems


def another_request(app, **debit):
    with app.app_context():  # its own session, as another worker's request
        request_debit(**debit)
        db.session.remove()


def test_a_debit_after_a_page_read_keeps_what_another_request_debited_meanwhile(app, api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "100.00", invoice_date="2026-06-01")
    mo = acme["mo"].user.id
    page_read = db.session.scalars(select(SalesOrder)).all()  # the new-debit page shows balances
    db.session.commit()  # the read ends; the session keeps its objects (expire_on_commit=False)
    another_request(app, requester_id=mo, amount=3000, category="exam_voucher", description="CCNA exam")
    request_debit(requester_id=mo, amount=2000, category="exam_voucher", description="CCNP exam")
    db.session.remove()
    assert db.session.scalar(select(SalesOrder.balance)) == 10000 - 3000 - 2000
    assert ledger_problems() == []
    assert page_read  # the objects that would have been stale


def test_an_explicit_split_after_a_page_read_reads_under_the_lock_too(app, api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "100.00", invoice_date="2026-06-01")
    mo = acme["mo"].user.id
    db.session.scalars(select(SalesOrder)).all()
    db.session.commit()
    another_request(app, requester_id=mo, amount=9000, category="exam_voucher", description="Bootcamp")
    split = [{"so_number": "SO-1", "amount": 2000}]
    with pytest.raises(RuleViolation) as refused:  # 10.00 are left, not the 100.00 read before
        request_debit(requester_id=mo, amount=2000, category="exam_voucher", description="CCNP", allocations=split)
    assert refused.value.error == "insufficient_credits_on_sales_order"
    assert refused.value.values["available"] == 1000
    db.session.remove()
    assert db.session.scalar(select(SalesOrder.balance)) == 1000
