"""Measure 3: a company's balance and one SO read with 1k vs 1M ledger entries in the
database (the read company holding them). Target: time ratio big / small <= 1.5: reads use
the stored balances and never walk history (R-LED-1 keeps those equal to the entries).
"""
from datetime import date, timedelta

from bench import common

TARGET = 1.5
SOS = 10


def _build(kind, entries):
    """A fresh database whose company 1 has `entries` ledger entries over SOS sales orders."""
    app = common.make_app(kind, f"b3_reads_{entries}")
    with app.app_context():
        rng = common.seeded(3)
        company_id = common.add_companies(1)[0]
        others = common.add_companies(9, prefix="Other")
        per_so = max(1, entries // SOS)
        orders = []
        for n in range(SOS):
            spends = [(common.T0 + timedelta(minutes=1 + n * per_so + i), rng.randint(1, 9))
                      for i in range(per_so - 1)]
            orders.append(common.NewSalesOrder(company_id, 10 * per_so + 100_00, date(2099, 1, 1 + n),
                                               spends=spends))
        common.add_active_sales_orders(orders)
        common.add_active_sales_orders([common.NewSalesOrder(cid, 100_00, date(2099, 2, 1)) for cid in others],
                                       prefix="SO-O")
        common.analyze()
    return app, company_id


def _measure(app, company_id, calls, runs):
    from sqlalchemy import select

    from clc_ledger.accounts.models import Company, User
    from clc_ledger.extensions import db
    from clc_ledger.ledger.models import SalesOrder
    from clc_ledger.ledger.sales_orders import company_balance, get_sales_order

    with app.app_context():
        viewer_id = common.users_of(company_id)["captain"]
        numbers = db.session.scalars(select(SalesOrder.so_number).where(SalesOrder.company_id == company_id)).all()
        db.session.remove()

        def reads():
            for i in range(calls):
                viewer = db.session.get(User, viewer_id)
                balance = company_balance(db.session.get(Company, company_id))
                assert balance["available"] > 0
                get_sales_order(numbers[i % len(numbers)], viewer=viewer)
                db.session.remove()

        reads()  # warm
        return [common.timed(reads)[0] / calls for _ in range(runs)]


def run(size="small", kinds=None, runs=None):
    small, big = common.pick(size, (200, 2_000), (1_000, 100_000), (1_000, 1_000_000))
    calls = common.pick(size, 20, 300, 500)
    runs = runs or common.pick(size, 1, 5, 5)
    results = []
    for kind in common.databases(kinds):
        times = {}
        for entries in (small, big):
            app, company_id = _build(kind, entries)
            times[entries] = _measure(app, company_id, calls, runs)
            common.dispose(app)
        ratios = [b / s for s, b in zip(times[small], times[big])]
        stat = common.Stat(ratios)
        results.append(common.Result(
            "3", f"balance + SO read: {big:,} vs {small:,} entries (time ratio)", kind,
            f"{small:,} / {big:,} entries, {calls} reads x {runs} runs", stat, "", f"<= {TARGET}",
            stat.median <= TARGET,
            {"ms_per_read_small": common.Stat(times[small]).median * 1000,
             "ms_per_read_big": common.Stat(times[big]).median * 1000}))
    return results


def main(argv=None):
    common.command_line(run, argv)


if __name__ == "__main__":
    main()
