"""The input-limits migration (3f2a9c4e7b10) on a database that already has rows: SQLite
rebuilds the widened tables while other rows refer to them, existing chains get their sealed
anchors, and the ledger stays append-only."""
import hashlib
import json

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from clc_ledger import create_app
from clc_ledger.extensions import db
from clc_ledger.ledger.anchors import is_sealed

from .conftest import PG_URL

# The entry's hash as the ledger wrote it before effective times (revision 7d11e1f1b4a9): the
# effective-times migration checks every chain before it rewrites it.
OLD_HASH = hashlib.sha256(json.dumps([None, {
    "company_id": 1, "sales_order_id": 1, "at": "2026-01-01T00:00:00.000000+00:00", "kind": "activation",
    "amount": 100, "debit_id": 1, "description": "x", "actor_id": None}],
    sort_keys=True, separators=(",", ":")).encode()).hexdigest()

ROWS = [
    "INSERT INTO companies (id, name, country, locale, captain_approval_required, statement_recipients, created_at, "
    "ledger_head) VALUES (1, 'A', 'US', 'en_US', false, '[]', '2026-01-01 00:00:00', "
    f"'{OLD_HASH}')",
    "INSERT INTO users (id, username, email, password_hash, role, company_id, active, created_at, session_epoch) "
    "VALUES (1, 'u', 'u@example.com', 'x', 'member', 1, true, '2026-01-01 00:00:00', 0)",
    "INSERT INTO sales_orders (id, so_number, company_id, credits, status, booked_on, balance, held, created_at) "
    "VALUES (1, 'SO-1', 1, 100, 'active', '2026-01-01', 100, 0, '2026-01-01 00:00:00')",
    "INSERT INTO debits (id, company_id, requested_by_id, amount, category, description, status, requested_at, reason) "
    "VALUES (1, 1, 1, 5, 'exam_voucher', 'd', 'rejected', '2026-01-01 00:00:00', 'why')",
    "INSERT INTO ledger_entries (id, company_id, sales_order_id, at, kind, amount, debit_id, description, prev_hash, "
    "hash) VALUES (1, 1, 1, '2026-01-01 00:00:00', 'activation', 100, 1, 'x', NULL, "
    f"'{OLD_HASH}')",
]


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's table rebuilds are what this checks")
def test_the_migration_keeps_rows_that_refer_to_rebuilt_tables_and_anchors_existing_chains(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
                      "SECRET_KEY": "k"})
    with app.app_context():
        upgrade(revision="7d11e1f1b4a9")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT reason FROM debits")).scalar() == "why"
            (company_id, head, seal), = connection.execute(text("SELECT company_id, head, seal FROM ledger_anchors"))
            chain_head = connection.execute(text("SELECT ledger_head FROM companies")).scalar()
            assert (company_id, head) == (1, chain_head) and is_sealed(1, chain_head, seal)
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            with pytest.raises(DatabaseError, match="append-only"):
                connection.execute(text("DELETE FROM ledger_entries"))
        db.engine.dispose()
