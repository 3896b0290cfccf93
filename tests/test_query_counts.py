"""How many statements each hot path sends to the database, pinned (issue 14).

The numbers are what the code does today, per dialect. A change that sends more fails
here: either it is worth the statements (then change the pin, and say why in the commit)
or it is a regression. A change that sends fewer fails too, so that the pin comes down with
it. Each path runs on a fresh session, as in a request, after its world is set up.
"""
from datetime import datetime, timezone

import pytest

from clc_ledger import clock
from clc_ledger.accounts.services import user_for_token
from clc_ledger.extensions import db
from clc_ledger.ledger.debits import approve_debit, request_debit
from clc_ledger.ledger.expiry import expire_credits
from clc_ledger.statements.services import run_monthly_statements

PINS = {  # path: {dialect: statements}
    # A decision's entries are one append (ledger.store.append_entries), however many lines.
    "debit request": {"sqlite": 18, "postgresql": 16},
    "approval": {"sqlite": 17, "postgresql": 16},
    # One more SO of a company due the same day costs its latest entry's time and a read of
    # the test clock, nothing else: its entry, balance and notice join the company's.
    "expiry sweep, per SO": {"sqlite": 2, "postgresql": 2},
    "token check": {"sqlite": 2, "postgresql": 1},
    # Statements include learning's section (R-TEAM-2): its two queries per group of companies.
    "statements, 1 companies": {"sqlite": 16, "postgresql": 14},
    "statements, 3 companies": {"sqlite": 20, "postgresql": 16},
}


def pinned(path):
    return PINS[path][db.engine.dialect.name]


def fresh_session():
    db.session.commit()
    db.session.remove()


def test_a_posted_debit_request(api, acme, count_queries):
    api.sales_order("SO-1", acme["company"]["id"], "10.00", invoice_date="2026-02-01")
    api.sales_order("SO-2", acme["company"]["id"], "10.00", invoice_date="2026-03-01")
    fresh_session()
    with count_queries() as count:
        debit = request_debit(requester_id=acme["mo"].user.id, amount=1500, category="exam_voucher",
                              description="CCNP exam")
    assert debit.status == "posted" and len(debit.allocations) == 2
    assert count() == pinned("debit request"), count.statements


def test_an_approval(api, approval_required, count_queries):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00", invoice_date="2026-02-01")
    api.sales_order("SO-2", acme["company"]["id"], "10.00", invoice_date="2026-03-01")
    held = request_debit(requester_id=acme["mo"].user.id, amount=1500, category="exam_voucher",
                         description="CCNP exam")
    fresh_session()
    with count_queries() as count:
        debit = approve_debit(held.id, captain_id=acme["carla"].user.id)
    assert debit.status == "posted"
    assert count() == pinned("approval"), count.statements


def sweep(api, company_id, orders, count_queries):
    api.set_clock("2026-06-15T19:00:00+00:00")
    for n in range(orders):
        api.sales_order(f"SO-{company_id}-{n}", company_id, "10.00", invoice_date="2026-01-10")
    api.set_clock("2027-01-11T19:00:00+00:00")
    fresh_session()
    with count_queries() as count:
        outcome = expire_credits(clock.now())
    assert outcome["expired_sales_orders"] == orders
    return count()


def test_the_expiry_sweep_costs_the_same_for_each_sales_order(api, acme, count_queries):
    """Two companies alike (the same captains, hence the same notice of what expired) but
    for how many SOs expire: the difference is what one more SO costs."""
    def company_with_a_captain(name):
        company = api.company(name)
        api.person(f"captain-of-{name.lower()}", "captain", company["id"])
        return company["id"]

    one = sweep(api, company_with_a_captain("Initech"), 1, count_queries)
    three = sweep(api, company_with_a_captain("Globex"), 3, count_queries)
    assert (three - one) / 2 == pinned("expiry sweep, per SO"), (one, three)


def test_a_token_check(api, acme, count_queries):
    fresh_session()
    with count_queries() as count:
        assert user_for_token(acme["mo"].token).username == "mo"
    assert count() == pinned("token check"), count.statements


def statements_for(api, companies, count_queries):
    api.set_clock("2026-06-15T19:00:00+00:00")
    for n in range(companies):
        company = api.company(f"Company{n} Ltd")
        api.sales_order(f"SO-C{n}", company["id"], "10.00", invoice_date="2026-06-01")
    fresh_session()
    with count_queries() as count:
        outcome = run_monthly_statements(datetime(2026, 7, 2, 19, tzinfo=timezone.utc))
    assert outcome["issued"] == companies and not outcome["failed"], outcome
    return count()


@pytest.mark.parametrize("companies", [1, 3])
def test_monthly_statements_for_one_company_and_for_three(api, count_queries, companies):
    """The two pins differ by twice the cost of one more company's statement."""
    assert statements_for(api, companies, count_queries) == pinned(f"statements, {companies} companies")
