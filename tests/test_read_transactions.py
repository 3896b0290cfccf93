"""A transaction that only read ends with COMMIT, not ROLLBACK (db.end_transaction): the
database sees no difference, but psycopg forgets every prepared statement on ROLLBACK, and
every request's reads used to end that way, so PostgreSQL parsed and planned every
statement of every request anew. Anything a transaction changed is still rolled back."""
import threading

import pytest
from sqlalchemy import event, select, text, update

from clc_ledger.accounts.models import User
from clc_ledger.db import end_transaction, transactional
from clc_ledger.extensions import db


@pytest.fixture
def endings(app):
    seen = []
    listeners = {"commit": lambda _conn: seen.append("commit"), "rollback": lambda _conn: seen.append("rollback")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    yield seen
    for name, listener in listeners.items():
        event.remove(db.engine, name, listener)


def test_a_transaction_that_only_read_ends_with_commit(app, acme, endings):
    db.session.scalar(select(User).where(User.username == "mo"))
    end_transaction(db.session())
    assert endings == ["commit"]
    assert not db.session().in_transaction()


def test_a_transaction_with_unsaved_changes_is_rolled_back(app, acme, endings):
    mo = db.session.scalar(select(User).where(User.username == "mo"))
    mo.email = "somebody.else@example.com"
    end_transaction(db.session())
    assert endings == ["rollback"]
    assert db.session.scalar(select(User.email).where(User.username == "mo")) != "somebody.else@example.com"


def test_no_transaction_open_nothing_happens(app, endings):
    end_transaction(db.session())
    assert endings == []


def test_a_request_ends_its_reads_with_commit(app, acme, endings):
    response = _in_own_app_context(lambda: acme["mo"].get("/api/v1/debits"))
    assert response.status_code == 200
    assert "rollback" not in endings and "commit" in endings


def test_postgresql_keeps_the_token_lookup_prepared_across_requests(app, acme):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: prepared statements of psycopg")
    db.session.remove()
    for _ in range(8):  # psycopg prepares a statement on its 5th execution
        assert _in_own_app_context(lambda: acme["mo"].get("/api/v1/debits")).status_code == 200
    with db.engine.connect() as connection:  # the pool's one connection, which served them
        prepared = connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any("api_tokens" in statement for statement in prepared)


def test_on_postgresql_a_write_goes_on_in_the_transaction_of_the_reads_before_it(app, acme, endings):
    """Read committed takes a fresh snapshot per statement, so nothing is gained by ending
    the reads first, and a checkout, a commit and a begin are saved. (SQLite must begin anew,
    with BEGIN IMMEDIATE, which test_writer_gate covers.)"""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    begun = []

    def on_begin(connection):
        begun.append(connection)

    event.listen(db.engine, "begin", on_begin)
    try:
        db.session.remove()
        mo = db.session.scalar(select(User).where(User.username == "mo"))
        write()
    finally:
        event.remove(db.engine, "begin", on_begin)
    assert len(begun) == 1 and endings == ["commit"]
    assert db.session.scalar(select(User.email).where(User.id == mo.id)) == "mo.moved@example.com"


@transactional
def write():
    db.session.execute(update(User).where(User.username == "mo").values(email="mo.moved@example.com"))


def _in_own_app_context(call):
    """Run a test-client call the way a server runs a request: in a thread with no app
    context of its own, so that the request's teardown ends its transaction."""
    result = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    thread.join()
    return result[0]
