"""Idempotency-Key (API.md, R-DEB-5): the same key from the same user returns the first
response and creates nothing new; the same key with a different request is 422.

The key is inserted before the creation, in the same transaction, so two concurrent
requests with one key cannot both create: the loser waits on the unique index, fails,
and is retried, finding the winner's stored response.
"""
import functools
import hashlib
import json

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import clock
from .db import RetryTransaction, transactional
from .errors import N_, RuleViolation
from .extensions import db
from .ledger.models import IdempotencyKey


def fingerprint(body):
    canonical = json.dumps([request.method, request.path, body], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_once(create, schema, body, status=201):
    """Run `create()` once per Idempotency-Key; the JSON response of `schema` (a marshmallow
    Schema class) dumping the result."""
    dump = _instance(schema).dump
    key = request.headers.get("Idempotency-Key", "").strip()
    replayed = False
    if not key:
        payload = dump(create())
    elif len(key) > 200:
        raise RuleViolation("idempotency_key_too_long", N_("An Idempotency-Key is at most %(max)s characters."),
                            max=200)
    else:
        payload, status, replayed = _create_once(g.user.id, key, fingerprint(body), create, dump, status)
    response = jsonify(payload)
    response.status_code = status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@functools.lru_cache(maxsize=None)
def _instance(schema):
    return schema()  # built once: a schema's construction deep-copies its fields


@transactional
def _create_once(user_id, key, request_fingerprint, create, dump, status):
    stored = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                            IdempotencyKey.key == key))
    if stored is not None:
        if stored.fingerprint != request_fingerprint:
            raise RuleViolation("idempotency_key_reused",
                                N_("This Idempotency-Key was already used for a different request."),
                                {"Idempotency-Key": [N_("Already used with another body.")]})
        return stored.response, stored.status_code, True
    record = IdempotencyKey(user_id=user_id, key=key, fingerprint=request_fingerprint, status_code=status,
                            response={}, created_at=clock.now())
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        raise RetryTransaction() from None
    body = dump(create())
    record.response = body
    return body, status, False
