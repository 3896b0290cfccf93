"""Test fixtures. Every test runs against a real database: SQLite by default, PostgreSQL
when CLC_TEST_DATABASE_URL points at one. Each test starts from an empty schema."""
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, event, text

from clc_ledger import create_app
from clc_ledger.config import normalize_database_url
from clc_ledger.extensions import db

from .helpers import Api
from .smtp import smtp, smtp_server  # noqa: F401  (fixtures for every test folder)

PG_URL = os.environ.get("CLC_TEST_DATABASE_URL")


TRANSLATIONS = Path(__file__).resolve().parents[1] / "clc_ledger" / "translations"


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL.split('@')[-1] if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """`make test` compiles the catalogs; a bare `pytest` run gets them compiled here too."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            partial = mo.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as target:
                write_mo(target, catalog)
            os.replace(partial, mo)  # atomic: parallel workers never read half a file


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """The schema built once per run: a SQLite file to copy, or a PostgreSQL database to truncate."""
    if PG_URL:
        url = normalize_database_url(PG_URL)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.create_all()
            db.engine.dispose()
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


def _empty_postgresql(url):
    """Delete every row and restart the sequences. Far cheaper than TRUNCATE (which rewrites
    each table's files) for tables this small; replica mode suspends the triggers, the
    append-only ones included, for this one transaction."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
        sequences = connection.execute(text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")).scalars()
        connection.exec_driver_sql(
            "SET LOCAL session_replication_role = replica; "
            + "".join(f"DELETE FROM {table}; " for table in tables)
            + "".join(f"ALTER SEQUENCE {sequence} RESTART; " for sequence in sequences))
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    if PG_URL:
        _empty_postgresql(database_template)
        return database_template
    path = tmp_path / "clc.sqlite3"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "CLC_MAIL_URL": None,
        "CLC_MAIL_DIR": str(tmp_path / "mail"),  # .eml files of the outbox, not in instance/
        "CLC_TIMEZONE": "America/Los_Angeles",
        "CLC_PASSWORD_PROFILE": "CHEAPEST",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def api(app, client):
    """Drives the JSON API as named people; see tests/helpers.py."""
    return Api(app, client)


@pytest.fixture
def acme(api):
    """A company with a captain, a second captain, a member and an observer, and a clock in
    mid-2026 (Los Angeles), with no sales orders yet."""
    api.set_clock("2026-06-15T19:00:00+00:00")
    company = api.company("Acme Networks")
    people = {
        "company": company,
        "carla": api.person("carla", "captain", company["id"]),
        "dana": api.person("dana", "captain", company["id"]),
        "mo": api.person("mo", "member", company["id"]),
        "obi": api.person("obi", "observer", company["id"]),
    }
    return people


@pytest.fixture
def approval_required(api, acme):
    """acme, requiring a captain's approval for every debit (holds, R-DEB-3)."""
    from clc_ledger.accounts.models import Company

    db.session.execute(db.update(Company).where(Company.id == acme["company"]["id"])
                       .values(captain_approval_required=True))
    db.session.commit()
    return acme


class QueryCount:
    """The statements sent to the database inside a `count_queries()` block."""

    def __init__(self):
        self.statements = []

    def __call__(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """A context manager counting the statements the app's engine sends to the database, as
    Indico's fixture does: `with count_queries() as count: ...; assert count() == 3`. BEGIN
    (issued as a statement on SQLite) and SAVEPOINTs count; COMMIT and ROLLBACK do not. On
    failure `count.statements` says which statements they were."""

    @contextmanager
    def counting():
        count = QueryCount()

        def before_cursor_execute(_connection, _cursor, statement, _parameters, _context, _executemany):
            count.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield count
        finally:
            event.remove(db.engine, "before_cursor_execute", before_cursor_execute)

    return counting
