"""Measure 4: the expire-credits sweep (clc_ledger.ledger.expiry.expire_credits). With T
active SOs of which E expire today, the time must grow with E, not with T: shown as
E of T vs E of T/10 (ratio ~1 = independent of the total; target <= 1.5) and 10E vs E of T
(reported: ~10 when linear in what expires).

Each run adds E (or 10E) fresh active SOs expiring on a new day to the standing SOs (which
expire far in the future), then times one sweep "today" at 00:05 program time. So every
run sees the same total and the same number due.
"""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench import common

TARGET = 1.5
PER_COMPANY = 10


def _build(kind, total, name):
    app = common.make_app(kind, name)
    with app.app_context():
        companies = common.add_companies(max(1, total // PER_COMPANY))
        common.add_active_sales_orders([common.NewSalesOrder(companies[i % len(companies)], 1000_00,
                                                             date(2099, 1, 1) + timedelta(days=i % 300))
                                        for i in range(total)], prefix="SO-S")
        common.analyze()
    return app, companies


def _sweeps(app, companies, due_counts, first_day, seed):
    """[seconds] of one sweep per entry of due_counts, each on its own day."""
    from clc_ledger.extensions import db
    from clc_ledger.ledger.expiry import expire_credits

    rng = common.seeded(seed)
    zone = ZoneInfo("America/Los_Angeles")
    times = []
    with app.app_context():
        for n, due in enumerate(due_counts):
            day = first_day + timedelta(days=n)
            common.add_active_sales_orders([common.NewSalesOrder(rng.choice(companies), 500_00, day)
                                            for _ in range(due)], prefix=f"SO-D{day:%m%d}-")
            db.session.remove()
            now = datetime.combine(day, time(0, 5), tzinfo=zone).astimezone(UTC)
            seconds, summary = common.timed(expire_credits, now)
            assert summary["expired_sales_orders"] == due, summary
            times.append(seconds)
            db.session.remove()
    return times


def run(size="small", kinds=None, runs=None):
    total, due = common.pick(size, (300, 5), (10_000, 100), (100_000, 1_000))
    runs = runs or common.pick(size, 1, 3, 3)
    results = []
    for kind in common.databases(kinds):
        app, companies = _build(kind, total, "b4_big")
        # alternate E and 10E on the big database
        mixed = _sweeps(app, companies, [due, 10 * due] * runs, date(2030, 1, 1), 4)
        common.dispose(app)
        small_app, small_companies = _build(kind, total // 10, "b4_small")
        small = _sweeps(small_app, small_companies, [due] * runs, date(2030, 1, 1), 5)
        common.dispose(small_app)
        big_e, big_10e = mixed[0::2], mixed[1::2]
        by_total = common.Stat([b / s for b, s in zip(big_e, small)])
        by_due = common.Stat([b10 / b for b, b10 in zip(big_e, big_10e)])
        details = {f"s_{due}_of_{total}": common.Stat(big_e).median,
                   f"s_{10 * due}_of_{total}": common.Stat(big_10e).median,
                   f"s_{due}_of_{total // 10}": common.Stat(small).median,
                   "due_per_s": due / common.Stat(big_e).median}
        sizes = f"{due:,} and {10 * due:,} due of {total:,}; {due:,} of {total // 10:,}; {runs} runs"
        results.append(common.Result("4a", f"expiry sweep: {due:,} due of {total:,} vs of {total // 10:,} "
                                           "(time ratio)", kind, sizes, by_total, "", f"<= {TARGET}",
                                     by_total.median <= TARGET, details))
        results.append(common.Result("4b", f"expiry sweep: {10 * due:,} vs {due:,} due of {total:,} (time ratio)",
                                     kind, sizes, by_due, "", "~10 (linear in due)", None, details))
    return results


def main(argv=None):
    common.command_line(run, argv)


if __name__ == "__main__":
    main()
