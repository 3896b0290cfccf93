"""Each benchmark of bench/ at a tiny size, so that they keep working as the code changes.
No timing is asserted: only that every measure runs and reports, and that the bulk data the
benchmarks generate is a valid ledger (verify-ledger passes on it)."""
import os
from datetime import date, timedelta

import pytest

from bench import b1_debit, b2_http, b3_reads, b4_expiry, b5_statements, b6_pages, b7_learning, b8_learning_team, common

KINDS = ["postgresql"] if os.environ.get("CLC_TEST_DATABASE_URL") else ["sqlite"]


@pytest.fixture(autouse=True)
def bench_database(monkeypatch, tmp_path):
    """The benchmarks' own databases: files under tmp_path, or the test PostgreSQL database
    and, for a benchmark that needs a second one, one named after it, dropped afterwards."""
    monkeypatch.setattr(common, "OUT", tmp_path)
    monkeypatch.setenv("CLC_INSTANCE_PATH", str(tmp_path / "instance"))
    if os.environ.get("CLC_TEST_DATABASE_URL"):
        monkeypatch.setattr(common, "PG_URL", common.normalize_url(os.environ["CLC_TEST_DATABASE_URL"]))
    yield
    common.drop_own_databases()


def test_bulk_data_is_a_valid_ledger():
    from clc_ledger.extensions import db
    from clc_ledger.ledger.verify import verify_ledger

    app = common.make_app(KINDS[0], "smoke_bulk")
    with app.app_context():
        ids = common.add_companies(3)
        common.add_active_sales_orders([
            common.NewSalesOrder(cid, 1000_00, date(2030, 1, 1 + n),
                                 spends=[(common.T0 + timedelta(hours=h), 100) for h in range(1, 4)])
            for cid in ids for n in range(2)])
        common.add_active_sales_orders([common.NewSalesOrder(ids[0], 50_00, date(2031, 1, 1))], prefix="SO-X")
        assert verify_ledger() is None
        db.session.remove()
    common.dispose(app)


@pytest.mark.parametrize("module", [b1_debit, b2_http, b3_reads, b4_expiry, b5_statements, b6_pages, b7_learning,
                                    b8_learning_team],
                         ids=lambda module: module.__name__.rsplit(".", 1)[1])
def test_benchmark_runs_at_tiny_size(module):
    results = module.run("tiny", KINDS, runs=1)
    assert results
    for result in results:
        assert result.database in KINDS
        assert result.stat.values and all(value == value for value in result.stat.values)  # no NaN
        assert result.as_dict()["target"]
    if module is b2_http:  # the bound beside the ratio: the service layer alone, in 1 and 2 processes
        for result in results:
            assert result.details["service_alone_1proc_debits_per_s"] > 0
            assert result.details["service_alone_2proc_debits_per_s"] > 0


def test_a_new_results_file_keeps_the_notes_people_wrote_under_the_last_one(tmp_path):
    from bench.run import kept_notes

    results = tmp_path / "RESULTS.md"
    assert kept_notes(results) == ""
    results.write_text("# Benchmark results\n\n| figures |\n\n## Notes\n\n- Measure 2 is lock-bound.\n")
    assert kept_notes(results) == "\n## Notes\n\n- Measure 2 is lock-bound.\n"
    results.write_text("# Benchmark results\n\n| figures |\n")
    assert kept_notes(results) == ""
