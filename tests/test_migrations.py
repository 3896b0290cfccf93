"""The Alembic migrations produce exactly the models' schema, on SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from clc_ledger import create_app
from clc_ledger.extensions import db

from .conftest import PG_URL


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database: a new SQLite file, or on PostgreSQL one named after the test
    database (`<name>_migrations`, so runs on different test databases never meet), dropped
    afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    from sqlalchemy.engine import make_url

    from clc_ledger.config import normalize_database_url

    base = make_url(normalize_database_url(PG_URL))
    name = f"{base.database}_migrations"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_create_exactly_the_models_schema_and_the_append_only_triggers(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            assert differences == [], differences
            if connection.dialect.name == "sqlite":
                triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            else:
                triggers = connection.execute(text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
            assert {t for t in triggers if t.startswith("ledger_entries_")}
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def _old_hash(prev, row):
    import hashlib
    import json

    content = {"company_id": 1, "sales_order_id": 1, "at": row["at"], "kind": row["kind"], "amount": row["amount"],
               "debit_id": None, "description": row["description"], "actor_id": None}
    return hashlib.sha256(json.dumps([prev, content], sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def test_R_LED_3_the_migration_dates_old_expiry_entries_at_their_expiry_minute_and_rechains(empty_database_url):
    """Entries written before R-LED-3 had one time, the recorded one. After the migration each
    keeps it as recorded_at; an expiry entry written on 3 Feb for an SO expiring on 31 Jan is
    effective at 12:01 a.m. Pacific on 31 Jan (08:01 UTC), and the chain still verifies."""
    from clc_ledger.ledger.models import LedgerEntry
    from clc_ledger.ledger.verify import verify_ledger

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "CLC_TIMEZONE": "America/Los_Angeles"})
    with app.app_context():
        upgrade(revision="7d11e1f1b4a9")
        rows = [{"id": 1, "at": "2026-02-01T17:00:00.000000+00:00", "kind": "activation", "amount": 800,
                 "description": "activated"},
                {"id": 2, "at": "2027-02-03T17:00:00.000000+00:00", "kind": "expiry", "amount": -800,
                 "description": "expired"}]
        prev = None
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO companies (id, name, country, locale, captain_approval_required, statement_recipients, "
                "created_at) VALUES (1, 'Acme', 'US', 'en_US', false, '[]', '2026-01-01 00:00:00')"))
            connection.execute(text(
                "INSERT INTO sales_orders (id, so_number, company_id, credits, status, booked_on, invoice_date, "
                "expires_on, balance, held, created_at) VALUES (1, 'SO-1', 1, 800, 'expired', '2026-01-20', "
                "'2026-01-31', '2027-01-31', 0, 0, '2026-01-20 00:00:00')"))
            for row in rows:
                digest = _old_hash(prev, row)
                connection.execute(text(
                    "INSERT INTO ledger_entries (id, company_id, sales_order_id, at, kind, amount, description, "
                    "prev_hash, hash) VALUES (:id, 1, 1, :at, :kind, :amount, :description, :prev, :hash)"),
                    {**row, "at": row["at"].replace("T", " ")[:26], "prev": prev, "hash": digest})
                prev = digest
            connection.execute(text("UPDATE companies SET ledger_head = :head WHERE id = 1"), {"head": prev})
        upgrade()
        expiry = db.session.get(LedgerEntry, 2)
        assert expiry.effective_at.isoformat() == "2027-01-31T08:01:00+00:00"
        assert expiry.recorded_at.isoformat() == "2027-02-03T17:00:00+00:00"
        activation = db.session.get(LedgerEntry, 1)
        assert activation.effective_at == activation.recorded_at
        assert verify_ledger() is None
        db.session.remove()
        downgrade(revision="7d11e1f1b4a9")
        db.engine.dispose()
