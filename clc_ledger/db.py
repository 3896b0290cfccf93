"""Database plumbing: SQLite set-up, UTC timestamps, and the one-transaction-per-operation rule."""
import contextlib
import fcntl
import functools
import os
import random
import threading
import time
import weakref
from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import DateTime, TypeDecorator

from .extensions import db

WRITE_OPTION = "clc_write"
MAX_ATTEMPTS = 12


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no offset of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def configure_engine(engine):
    if engine.dialect.name != "sqlite":
        return
    if engine.url.database and engine.url.database != ":memory:":
        _WRITER_GATES[engine] = WriterGate(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writers take the write lock up front: a deferred transaction that later writes
        # can fail with "database is locked" without waiting on busy_timeout.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


class WriterGate:
    """Writers to one SQLite file queue here, across threads and processes, before BEGIN
    IMMEDIATE. SQLite's own busy handler makes a waiting writer sleep 1, 2, 5, 10... ms and
    retry, so under steady writes the lock sat free while waiters slept (a quarter of the
    server's time in bench measure 2); a kernel lock wakes the next writer when the last
    one is done. Advisory: a writer that does not queue here still waits on busy_timeout."""

    def __init__(self, database_path):
        self.path = f"{database_path}-writer"
        self._threads = threading.RLock()
        self._depth = 0
        self._fd = None
        self._pid = None

    def _file(self):
        # A forked worker must not share its parent's open file: flock belongs to it.
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def __enter__(self):
        self._threads.acquire()
        if self._depth == 0:
            try:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
            except BaseException:
                self._threads.release()
                raise
        self._depth += 1
        return self

    def __exit__(self, *_exc):
        self._depth -= 1
        if self._depth == 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


def writer_gate(engine):
    """The engine's WriterGate, or a no-op where the database queues writers itself."""
    return _WRITER_GATES.get(engine) or contextlib.nullcontext()


_WRITER_GATES = weakref.WeakKeyDictionary()


class RetryTransaction(Exception):
    """Raised inside a transactional operation to run it again from the start (e.g. after
    losing a race to insert the same unique key)."""


def _is_retryable(error):
    if isinstance(error, IntegrityError):
        return False
    orig = getattr(error, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in {"40001", "40P01"}:  # serialization failure, deadlock
        return True
    text = str(orig or error).lower()
    return "database is locked" in text or "database is busy" in text


def transactional(fn=None, *, retry_on_integrity=False):
    """Run a service operation as one write transaction, retried on lock conflicts.

    On SQLite, any read transaction left open by the caller is ended first, so that the
    write lock is taken before the first read (BEGIN IMMEDIATE). On PostgreSQL a read
    transaction that wrote nothing goes on as the write transaction. Nested calls join the
    outer transaction.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            session = db.session()  # this scope's Session
            if session.info.get(WRITE_OPTION):
                return func(*args, **kwargs)
            for attempt in range(MAX_ATTEMPTS):
                # PostgreSQL (read committed) takes a fresh snapshot per statement, so the
                # request's reads can go on as the write transaction: one round trip to
                # check out a connection, one to commit and one to begin fewer. SQLite must
                # begin anew, IMMEDIATE.
                continuing = attempt == 0 and db.engine.dialect.name == "postgresql" and _only_read(session)
                if not continuing:
                    end_transaction(session)
                try:
                    with writer_gate(db.engine):
                        return _attempt(session, func, args, kwargs)
                except RetryTransaction:
                    if attempt == MAX_ATTEMPTS - 1:
                        raise
                except DBAPIError as error:
                    retry = _is_retryable(error) or (retry_on_integrity and isinstance(error, IntegrityError))
                    if not retry or attempt == MAX_ATTEMPTS - 1:
                        raise
                    time.sleep(min(0.5, 0.005 * 2**attempt) * random.random())
            raise AssertionError("unreachable")

        return wrapper

    return decorate(fn) if fn is not None else decorate


def end_transaction(session):
    """End the transaction the Session (not the scoped proxy) has open, if any. One that
    wrote nothing ends with COMMIT rather than ROLLBACK: the same for the database, but
    psycopg forgets all its prepared statements on every ROLLBACK (and sends DEALLOCATE
    ALL), so rolling back each request's reads made PostgreSQL parse and plan every
    statement of every request anew."""
    if session.get_transaction() is None:
        return
    if not _only_read(session):
        session.rollback()
        return
    try:
        session.commit()
    except Exception:
        session.rollback()
        raise


def _only_read(session):
    """Whether the session has a transaction open that has written nothing, nor is about to."""
    transaction = session.get_transaction()
    return (transaction is not None and transaction.is_active and not session.info.get(WRITE_OPTION)
            and not (session.new or session.dirty or session.deleted))


def _attempt(session, func, args, kwargs):
    if session.get_transaction() is None:
        session.connection(execution_options={WRITE_OPTION: True})
    session.info[WRITE_OPTION] = True
    try:
        result = func(*args, **kwargs)
        session.commit()
        return result
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(WRITE_OPTION, None)


def utcnow_real():
    return datetime.now(UTC)
