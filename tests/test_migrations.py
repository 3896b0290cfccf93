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
