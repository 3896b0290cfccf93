"""Writers to one SQLite file queue on a kernel lock before BEGIN IMMEDIATE (db.WriterGate),
so the next writer starts as soon as the last one commits instead of sleeping in SQLite's
busy handler. The gate must hold across processes and threads, let a thread re-enter it,
and not be shared by a forked worker with its parent."""
import contextlib
import fcntl
import multiprocessing
import os
import threading

import pytest

from clc_ledger.db import WriterGate, transactional, writer_gate
from clc_ledger.extensions import db


def _taken_elsewhere(path):
    """Whether another process holds the gate's lock (this one asks without waiting)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _ask_from_another_process(path):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_taken_elsewhere, (path,))


@pytest.fixture
def gate(app):
    with app.app_context():
        gate = writer_gate(db.engine)
        if not isinstance(gate, WriterGate):
            pytest.skip("only SQLite queues its writers in the application")
        return gate


def test_another_process_waits_while_a_writer_holds_the_gate(gate):
    with gate:
        assert _ask_from_another_process(gate.path)
    assert not _ask_from_another_process(gate.path)


def test_a_write_transaction_holds_the_gate_until_it_commits(app, gate):
    seen = []

    @transactional
    def write():
        seen.append(_ask_from_another_process(gate.path))

    with app.app_context():
        write()
    assert seen == [True]
    assert not _ask_from_another_process(gate.path)


def test_the_same_thread_reenters_and_another_thread_waits(gate):
    entered = threading.Event()

    def other_writer():
        with gate:
            entered.set()

    with gate:
        with gate:  # re-entered: no deadlock
            pass
        thread = threading.Thread(target=other_writer)
        thread.start()
        assert not entered.wait(0.3)  # it queues behind us (a broken gate lets it in at once)
    thread.join(timeout=10)
    assert entered.is_set()


def _child_takes_the_lock(gate, answer):
    try:
        fcntl.flock(gate._file(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        answer.send("took it")
    except BlockingIOError:
        answer.send("waits")


def test_a_forked_worker_does_not_share_its_parents_lock(tmp_path):
    # gunicorn forks its workers: a lock file opened before the fork would be one open
    # file, and flock would let parent and child in together.
    gate = WriterGate(str(tmp_path / "db.sqlite3"))
    with gate:
        receive, send = multiprocessing.Pipe(duplex=False)
        child = multiprocessing.get_context("fork").Process(target=_child_takes_the_lock, args=(gate, send))
        child.start()
        child.join(timeout=30)
        assert receive.recv() == "waits"


def test_postgresql_queues_writers_itself(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("PostgreSQL only")
        assert isinstance(writer_gate(db.engine), contextlib.nullcontext)
