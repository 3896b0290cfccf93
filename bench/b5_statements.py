"""Measure 5: the monthly-statements job (clc_ledger.statements.services.run_monthly_statements)
for C companies with ~20 ledger entries each in the month: each statement stored, rendered
to HTML, PDF and CSV and enqueued as an email with both attachments (outbox rows).
Targets: >= 100 statements/s on one core (the job is one process; wall time), peak memory
(the job process's max RSS, interpreter and app included) <= 300 MB.
5c/5d: the same job for Japanese (ja_JP) companies, whose PDFs embed a CJK font, beside the
Latin rate: target >= 20 statements/s per core, memory within the same 300 MB.

The job runs in a fresh child process so that its peak memory is its own.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bench import common

TARGET_RATE = 100
TARGET_CJK_RATE = 20
TARGET_MB = 300
ENTRIES = 20
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles")).astimezone(UTC)


def _build(kind, companies, locale="en_US"):
    app = common.make_app(kind, "b5_statements" if locale == "en_US" else f"b5_statements_{locale}")
    with app.app_context():
        rng = common.seeded(5)
        ids = common.add_companies(companies, locale=locale,
                                   prefix="Company" if locale == "en_US" else "株式会社ネットワーク")
        start = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
        orders = []
        for cid in ids:
            # activation + 19 debits in September 2026, in the month's statement
            activated = start + timedelta(hours=rng.randint(0, 48))
            spends = sorted((activated + timedelta(hours=rng.randint(1, 600)), rng.randint(1, 500) * 100)
                            for _ in range(ENTRIES - 1))
            orders.append(common.NewSalesOrder(cid, 20_000_00, date(2027, 8, 20) + timedelta(days=rng.randint(0, 60)),
                                               spends=spends, activated_at=activated))
        common.add_active_sales_orders(orders)
        common.analyze()
    return app


def _clear(app):
    from sqlalchemy import delete

    from clc_ledger.extensions import db
    from clc_ledger.notifications.models import OutboxAttachment, OutboxMessage
    from clc_ledger.statements.models import Statement

    with app.app_context():
        for model in (OutboxAttachment, OutboxMessage, Statement):
            db.session.execute(delete(model))
        db.session.commit()
        common.analyze()


def job(url):
    """In the child: run the job once; print elapsed, CPU and peak memory as JSON."""
    os.environ.setdefault("CLC_INSTANCE_PATH", str(common.OUT / "instance"))
    from clc_ledger import create_app
    from clc_ledger.statements.services import run_monthly_statements

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "CLC_MAIL_URL": None, "SECRET_KEY": "bench"})
    with app.app_context():
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        summary = run_monthly_statements(NOW)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"issued": summary["issued"], "failed": len(summary["failed"]), "elapsed": elapsed,
                      "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
                      "max_rss_mb": after.ru_maxrss / 1024}))


def _run_job(url):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(common.ROOT.parent), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-m", "bench.b5_statements", "--job", url], env=env, check=True,
                         capture_output=True, text=True, cwd=common.ROOT.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(size="small", kinds=None, runs=None):
    results = []
    for kind in common.databases(kinds):
        results += _measure(kind, "en_US", common.pick(size, 3, 40, 10_000), runs or common.pick(size, 1, 2, 2))
        results += _measure(kind, "ja_JP", common.pick(size, 2, 100, 1_000), runs or common.pick(size, 1, 2, 2))
    return results


def _measure(kind, locale, companies, runs):
    from clc_ledger.extensions import db

    latin = locale == "en_US"
    results = []
    app = _build(kind, companies, locale)
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    common.dispose(app)
    jobs = []
    for _ in range(runs):
        _clear(app)
        common.dispose(app)
        outcome = _run_job(url)
        assert outcome["issued"] == companies and outcome["failed"] == 0, outcome
        jobs.append(outcome)
    rate = common.Stat([companies / j["elapsed"] for j in jobs])
    memory = common.Stat([j["max_rss_mb"] for j in jobs])
    sizes = f"{companies:,} {'' if latin else 'Japanese '}companies x {ENTRIES} entries, {runs} runs"
    details = {"statements_per_cpu_s": common.Stat([companies / j["cpu"] for j in jobs]).median}
    target = TARGET_RATE if latin else TARGET_CJK_RATE
    what = "" if latin else ", Japanese"
    results.append(common.Result("5a" if latin else "5c", f"monthly statements with PDF, CSV, outbox{what} (per core)",
                                 kind, sizes, rate, "statements/s", f">= {target}", rate.median >= target, details))
    results.append(common.Result("5b" if latin else "5d", f"monthly statements{what}: peak memory of the job", kind,
                                 sizes, memory, "MB", f"<= {TARGET_MB}", memory.high <= TARGET_MB, details))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=common.SIZES, default="small")
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--job")
    args = parser.parse_args(argv)
    if args.job:
        job(args.job)
        return
    for result in run(args.size, args.db):
        print(json.dumps(result.as_dict()))


if __name__ == "__main__":
    main()
