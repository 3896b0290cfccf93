"""Measure 6: the captain's approval page and the home page of a company with 1,000 pending
debits and 200 sales orders. Target: server time <= 100 ms each (the Flask test client runs
the whole request in this process, so its time is the server's). Lists that grow without
bound are paginated.
"""
from datetime import date, timedelta

from bench import common

TARGET_MS = 100


def _build(kind, sales_orders, pending):
    from clc_ledger.accounts.models import Company
    from clc_ledger.extensions import db
    from clc_ledger.ledger.debits import request_debit

    app = common.make_app(kind, "b6_pages")
    with app.app_context():
        rng = common.seeded(6)
        company_id = common.add_companies(1, approval=True)[0]
        common.add_companies(3, prefix="Other")
        users = common.users_of(company_id)
        common.add_active_sales_orders([
            common.NewSalesOrder(company_id, 5_000_00, date(2026, 12, 1) + timedelta(days=3 * n))
            for n in range(sales_orders)])
        for _ in range(pending):
            request_debit(requester_id=users["member"], amount=rng.randint(1, 200) * 100,
                          category="instructor_led_training", description="Course for the team")
            db.session.remove()
        common.analyze()
        assert db.session.get(Company, company_id).captain_approval_required
    return app, users["captain"]


def _client(app, user_id):
    from clc_ledger.accounts.models import User
    from clc_ledger.extensions import db

    client = app.test_client()
    with app.app_context():
        epoch = db.session.get(User, user_id).session_epoch
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{epoch}"
        session["_fresh"] = True
    return client


def run(size="small", kinds=None, runs=None):
    sales_orders, pending = common.pick(size, (10, 30), (200, 1_000), (200, 1_000))
    calls = common.pick(size, 2, 10, 20)
    runs = runs or common.pick(size, 1, 5, 5)
    results = []
    for kind in common.databases(kinds):
        app, captain_id = _build(kind, sales_orders, pending)
        client = _client(app, captain_id)
        for path, label in (("/approvals", "approval page"), ("/", "home page")):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            times = []
            for _ in range(runs):
                def pages():
                    for _ in range(calls):
                        assert client.get(path).status_code == 200
                times.append(common.timed(pages)[0] / calls * 1000)
            stat = common.Stat(times)
            results.append(common.Result(
                "6", f"{label} (GET {path}), server time", kind,
                f"{pending:,} pending debits, {sales_orders} SOs; {calls} requests x {runs} runs", stat, "ms",
                f"<= {TARGET_MS}", stat.median <= TARGET_MS, {"bytes": len(response.data)}))
        common.dispose(app)
    return results


def main(argv=None):
    common.command_line(run, argv)


if __name__ == "__main__":
    main()
