"""Run every benchmark (issue 6), print each measure next to its target, write bench/RESULTS.md.

    python -m bench.run            # small sizes, a few minutes
    python -m bench.run --full     # the issue's sizes (where they fit; see RESULTS.md)
    python -m bench.run --only 1 --only 3 --db sqlite

Each measure runs in its own process (clean memory, one app per database).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import common

MEASURES = {"1": "b1_debit", "2": "b2_http", "3": "b3_reads", "4": "b4_expiry", "5": "b5_statements",
            "6": "b6_pages", "7": "b7_learning", "8": "b8_learning_team"}


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def _versions():
    import sqlite3

    parts = [f"SQLite {sqlite3.sqlite_version}"]
    if common.pg_available():
        import psycopg

        with psycopg.connect(common.PG_URL) as connection:
            parts.append("PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0])
    return ", ".join(parts)


def run_measure(number, size, kinds):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(common.ROOT.parent), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", f"bench.{MEASURES[number]}", "--size", size]
    for kind in kinds:
        command += ["--db", kind]
    out = subprocess.run(command, env=env, cwd=common.ROOT.parent, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        return [{"measure": number, "name": f"{MEASURES[number]} FAILED", "database": ",".join(kinds), "sizes": size,
                 "median": float("nan"), "low": float("nan"), "high": float("nan"), "spread_pct": 0, "runs": 0,
                 "unit": "", "target": "", "met": False, "details": {"error": out.stderr.strip()[-500:]}}]
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def _figure(row):
    unit = f" {row['unit']}" if row["unit"] else ""
    return f"{row['median']:.3g}{unit}"


def _met(row):
    return {True: "met", False: "NOT met", None: "(reported)"}[row["met"]]


def table(rows):
    lines = [f"{'#':<3} {'measure':<58} {'db':<10} {'median':>14} {'spread':>8}  {'target':<20} result",
             "-" * 128]
    for row in rows:
        lines.append(f"{row['measure']:<3} {row['name'][:58]:<58} {row['database']:<10} {_figure(row):>14} "
                     f"{'±%.0f%%' % row['spread_pct']:>8}  {row['target']:<20} {_met(row)}")
    return "\n".join(lines)


def markdown(rows, size, started, elapsed):
    out = [
        "# Benchmark results (issue 6)", "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; `make bench{' ARGS=--full' if size == 'full' else ''}` "
        f"(sizes: {size}), {elapsed / 60:.1f} min",
        f"- Machine: {machine()}", f"- Databases: {_versions()}",
        "- Each figure is the median over the runs shown; spread is ± half the range (min to max) "
        "relative to the median. Ratios are taken in the same run against a baseline measured "
        "alternately with the measure.", "",
        "| # | measure | db | sizes | median | spread | target | result | details |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        details = ", ".join(f"{key}={value:.3g}" if isinstance(value, float) else f"{key}={value}"
                            for key, value in row["details"].items() if key != "first_errors")
        out.append(f"| {row['measure']} | {row['name']} | {row['database']} | {row['sizes']} | {_figure(row)} | "
                   f"±{row['spread_pct']:.0f}% ({row['low']:.3g}–{row['high']:.3g}, {row['runs']} runs) | "
                   f"{row['target']} | {_met(row)} | {details} |")
    return "\n".join(out) + "\n"


NOTES_HEADING = "## Notes"


def kept_notes(path):
    """The hand-written part of an earlier results file, from its "## Notes" heading on: each
    run rewrites the figures, not what people wrote about them."""
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return ""
    at = text.find("\n" + NOTES_HEADING)
    return text[at:] if at >= 0 else ""


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="the issue's sizes")
    parser.add_argument("--size", choices=common.SIZES)
    parser.add_argument("--only", action="append", choices=sorted(MEASURES))
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--output", default=str(common.ROOT / "RESULTS.md"))
    args = parser.parse_args(argv)
    size = args.size or ("full" if args.full else "small")
    kinds = common.databases(args.db)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    rows = []
    for number in args.only or sorted(MEASURES):
        began = time.monotonic()
        found = run_measure(number, size, kinds)
        rows += found
        print(f"measure {number} ({MEASURES[number]}): {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    notes = kept_notes(args.output)
    Path(args.output).write_text(markdown(rows, size, started, time.monotonic() - clock) + notes)
    print(f"\nwritten: {args.output}")
    return 0 if all(row["met"] is not False for row in rows) else 1


if __name__ == "__main__":
    main()
