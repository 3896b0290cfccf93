"""Failed sign-ins are rate-limited across every worker and process (R-SEC-1), for the pages
(/sign-in) and the API (POST /api/v1/auth/tokens) alike, with the `limits` library's fixed
windows over a shared storage: this database by default (DatabaseStorage below), or any
storage `limits` knows (redis://..., memcached://...) named by CLC_RATELIMIT_STORAGE_URI.

Three counters, each counting only failed tries (a refused try is not counted again):

- one account from one address (CLC_SIGN_IN_LIMIT_ACCOUNT_ADDRESS, default 10 per 15 minutes);
- one account from anywhere (CLC_SIGN_IN_LIMIT_ACCOUNT, default 50 per 15 minutes), against a
  guessing attack spread over many addresses;
- one address over all accounts (CLC_SIGN_IN_LIMIT_ADDRESS, default 100 per 15 minutes),
  against password spraying.

Failed tries against one account stay in that account's counters: from one address they stop
at 10, so they can never fill the address's counter and lock out another account. Over a
limit the answer is 429 with Retry-After (seconds until the window that refused ends).
"""
import random
import time

from flask import current_app
from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import writer_gate
from ..extensions import db

DEFAULTS = {
    "CLC_SIGN_IN_LIMIT_ACCOUNT_ADDRESS": "10 per 15 minutes",
    "CLC_SIGN_IN_LIMIT_ACCOUNT": "50 per 15 minutes",
    "CLC_SIGN_IN_LIMIT_ADDRESS": "100 per 15 minutes",
}


class TooManyTries(Exception):
    """Sign-in refused before the password is checked; `retry_after` in whole seconds."""

    def __init__(self, retry_after):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class DatabaseStorage(Storage):
    """A `limits` storage in the table rate_limit_counters: one row per counter, incremented
    by one atomic upsert, so every process sharing the database shares the counts."""

    STORAGE_SCHEME = None  # made by hand with the app's engine, never from a URI

    def __init__(self, engine, **options):
        super().__init__(**options)
        self.engine = engine

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def _write(self, statement, values):
        with writer_gate(self.engine), self.engine.connect() as connection:
            connection = connection.execution_options(clc_write=True)
            with connection.begin():
                result = connection.execute(text(statement), values)
                return result.scalar() if result.returns_rows else result.rowcount

    def incr(self, key, expiry, amount=1):
        now = time.time()
        if random.random() < 0.01:  # expired counters of names tried once would pile up
            self._write("DELETE FROM rate_limit_counters WHERE expires_at <= :now", {"now": now})
        return self._write(
            "INSERT INTO rate_limit_counters (name, hits, expires_at) VALUES (:key, :amount, :expires) "
            "ON CONFLICT (name) DO UPDATE SET "
            "hits = CASE WHEN rate_limit_counters.expires_at <= :now THEN :amount "
            "ELSE rate_limit_counters.hits + :amount END, "
            "expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN :expires "
            "ELSE rate_limit_counters.expires_at END "
            "RETURNING hits", {"key": key, "amount": amount, "expires": now + expiry, "now": now})

    def _read(self, column, key, default):
        with self.engine.connect() as connection:
            value = connection.execute(text(f"SELECT {column} FROM rate_limit_counters "
                                            "WHERE name = :key AND expires_at > :now"),
                                       {"key": key, "now": time.time()}).scalar()
        return default if value is None else value

    def get(self, key):
        return int(self._read("hits", key, 0))

    def get_expiry(self, key):
        return float(self._read("expires_at", key, time.time()))

    def check(self):
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT 1")).scalar() == 1

    def reset(self):
        return self._write("DELETE FROM rate_limit_counters", {})

    def clear(self, key):
        self._write("DELETE FROM rate_limit_counters WHERE name = :key", {"key": key})


def _limiter():
    app = current_app._get_current_object()
    cached = app.extensions.get("clc_sign_in_limiter")
    if cached is None:
        uri = app.config.get("CLC_RATELIMIT_STORAGE_URI")
        storage = storage_from_string(uri) if uri else DatabaseStorage(db.engine)
        cached = app.extensions["clc_sign_in_limiter"] = FixedWindowRateLimiter(storage)
    return cached


def _counters(username, address):
    account = (username or "").strip().lower()[:200]
    config = current_app.config
    return [
        (parse(config.get(name) or DEFAULTS[name]), f"sign-in:{kind}:{ident}")
        for name, kind, ident in (("CLC_SIGN_IN_LIMIT_ACCOUNT_ADDRESS", "account-address", f"{account}|{address}"),
                                  ("CLC_SIGN_IN_LIMIT_ACCOUNT", "account", account),
                                  ("CLC_SIGN_IN_LIMIT_ADDRESS", "address", address))
    ]


def check_allowed(username, address):
    """Raise TooManyTries if a counter of this account or address is full."""
    limiter = _limiter()
    waits = []
    for limit, key in _counters(username, address):
        if not limiter.test(limit, key):
            reset_at, _remaining = limiter.get_window_stats(limit, key)
            waits.append(max(1, int(reset_at - time.time()) + 1))
    if waits:
        raise TooManyTries(max(waits))


def record_failure(username, address):
    limiter = _limiter()
    for limit, key in _counters(username, address):
        limiter.hit(limit, key)
