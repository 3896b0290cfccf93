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


def _build(kind, total, name, own_database=False):
    app = common.make_app(kind, name, own_database)
    with app.app_context():
        companies = common.add_companies(max(1, total // PER_COMPANY))
        common.add_active_sales_orders([common.NewSalesOrder(companies[i % len(companies)], 1000_00,
                                                             date(2099, 1, 1) + timedelta(days=i % 300))
                                        for i in range(total)], prefix="SO-S")
        common.analyze()
    return app, companies


def _sweep(app, companies, due, day, rng):
    """Seconds of one sweep on `day`, when `due` fresh SOs expire."""
    from clc_ledger.extensions import db
    from clc_ledger.ledger.expiry import expire_credits

    with app.app_context():
        common.add_active_sales_orders([common.NewSalesOrder(rng.choice(companies), 500_00, day)
                                        for _ in range(due)], prefix=f"SO-D{day:%m%d}-")
        db.session.remove()
        now = datetime.combine(day, time(0, 5), tzinfo=ZoneInfo("America/Los_Angeles")).astimezone(UTC)
        seconds, summary = common.timed(expire_credits, now)
        assert summary["expired_sales_orders"] == due, summary
        db.session.remove()
    return seconds


def run(size="small", kinds=None, runs=None):
    total, due = common.pick(size, (300, 5), (10_000, 100), (100_000, 1_000))
    runs = runs or common.pick(size, 1, 3, 3)
    results = []
    for kind in common.databases(kinds):
        # Both totals are open at once and their sweeps alternate, so that the machine's
        # speed, which drifts over minutes here, weighs on both sides of each ratio alike.
        big, small = _build(kind, total, "b4_big"), _build(kind, total // 10, "b4_small", own_database=True)
        big_rng, small_rng = common.seeded(4), common.seeded(5)
        big_e, big_10e, small_e = [], [], []
        for n in range(runs):
            day = date(2030, 1, 1) + timedelta(days=2 * n)
            big_e.append(_sweep(*big, due, day, big_rng))
            small_e.append(_sweep(*small, due, day, small_rng))
            big_10e.append(_sweep(*big, 10 * due, day + timedelta(days=1), big_rng))
        common.dispose(big[0])
        common.dispose(small[0])
        by_total = common.Stat([b / s for b, s in zip(big_e, small_e)])
        by_due = common.Stat([b10 / b for b, b10 in zip(big_e, big_10e)])
        details = {f"s_{due}_of_{total}": common.Stat(big_e).median,
                   f"s_{10 * due}_of_{total}": common.Stat(big_10e).median,
                   f"s_{due}_of_{total // 10}": common.Stat(small_e).median,
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
