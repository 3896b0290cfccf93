"""The ledger is append-only (R-LED-1) and tamper-evident (R-LED-2); verify-ledger proves it."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from clc_ledger.extensions import db

from .test_debits import debit


@pytest.fixture
def history(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    api.sales_order("SO-2", acme["company"]["id"], "20.00", invoice_date="2026-02-10")
    first = debit(acme["mo"], "12.00").get_json()
    acme["carla"].post(f"/api/v1/debits/{first['id']}/approve")
    second = debit(acme["mo"], "3.00").get_json()
    acme["carla"].post(f"/api/v1/debits/{second['id']}/reject", json={"reason": "no"})
    other = api.company("Globex")
    api.sales_order("SO-G", other["id"], "5.00")
    return acme


@pytest.mark.parametrize("statement", ["UPDATE ledger_entries SET amount = 1", "DELETE FROM ledger_entries"])
def test_R_LED_1_the_database_itself_refuses_to_update_or_delete_entries(history, statement):
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_verify_ledger_passes_on_an_honest_ledger(history, runner):
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output


def _tamper(sql):
    """Rewrite history behind the trigger's back, as someone with database access could."""
    db.session.rollback()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update_or_delete"))
        connection.execute(text(sql))
        connection.execute(text("ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_no_update_or_delete"))
    else:
        for name in ("ledger_entries_no_update", "ledger_entries_no_delete"):
            connection.execute(text(f"DROP TRIGGER {name}"))
        connection.execute(text(sql))
    db.session.commit()


@pytest.mark.parametrize("sql,says", [
    ("UPDATE ledger_entries SET amount = -100 WHERE kind = 'debit'", "altered"),
    ("UPDATE ledger_entries SET description = 'innocent' WHERE id = 2", "altered"),
    ("DELETE FROM ledger_entries WHERE id = 3", "broken chain"),
    ("DELETE FROM ledger_entries WHERE id = (SELECT max(id) FROM ledger_entries WHERE company_id = 1)", "head"),
])
def test_R_LED_2_tampering_with_an_entry_makes_verify_ledger_exit_1_naming_it(history, runner, sql, says):
    _tamper(sql)
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    assert says in result.output


def test_a_stored_balance_that_disagrees_with_the_entries_is_reported(history, runner):
    db.session.rollback()
    db.session.execute(text("UPDATE sales_orders SET balance = balance + 1 WHERE so_number = 'SO-2'"))
    db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1 and "SO-2" in result.output


def _cut_last_entry_and_rewind(company_id):
    """Remove a company's newest entry and undo every trace of it that lives beside it: the
    stored head of the chain and the SO's stored balance, as a careful insider would."""
    db.session.rollback()
    last = db.session.execute(text(
        "SELECT id, sales_order_id, kind, amount, prev_hash FROM ledger_entries WHERE company_id = :c "
        "ORDER BY id DESC LIMIT 1"), {"c": company_id}).one()
    column = "held" if last.kind in ("hold", "release") else "balance"
    change = last.amount if column == "held" else -last.amount  # a release lowered held; undo it
    _tamper(f"DELETE FROM ledger_entries WHERE id = {last.id}")
    db.session.execute(text(f"UPDATE sales_orders SET {column} = {column} + :change WHERE id = :so"),
                       {"change": change, "so": last.sales_order_id})
    db.session.execute(text("UPDATE companies SET ledger_head = :head WHERE id = :c"),
                       {"head": last.prev_hash, "c": company_id})
    db.session.commit()
    return last


def test_R_LED_2_a_chain_cut_short_at_its_end_with_its_head_rewound_is_detected(history, runner):
    _cut_last_entry_and_rewind(history["company"]["id"])
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1, result.output
    assert "anchored head" in result.output


def test_R_LED_2_rewinding_the_anchor_too_breaks_its_seal(history, runner):
    last = _cut_last_entry_and_rewind(history["company"]["id"])
    db.session.execute(text("UPDATE ledger_anchors SET head = :head WHERE company_id = :c"),
                       {"head": last.prev_hash, "c": history["company"]["id"]})
    db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1 and "seal" in result.output, result.output


def test_R_LED_2_removing_the_anchor_is_detected(history, runner):
    db.session.rollback()
    db.session.execute(text("DELETE FROM ledger_anchors WHERE company_id = :c"), {"c": history["company"]["id"]})
    db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1 and "no anchor" in result.output, result.output


def test_R_LED_1_postgresql_refuses_to_truncate_the_ledger(history):
    db.session.rollback()
    if db.session.connection().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE is refused by the row trigger")
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("TRUNCATE ledger_entries CASCADE"))
    db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM ledger_entries")).scalar() > 0


def test_verify_ledger_reports_every_problem_not_only_the_first(history, runner):
    """Each check of the registry reports all it finds (beancount's validation is the model)."""
    _tamper("UPDATE ledger_entries SET description = 'innocent' WHERE id = 2")
    db.session.execute(text("UPDATE sales_orders SET balance = balance + 1 WHERE so_number = 'SO-2'"))
    db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("LEDGER MISMATCH")]
    assert any("entry 2 was altered" in line for line in lines), result.output
    assert any("SO-2" in line for line in lines), result.output
