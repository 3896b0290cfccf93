"""Idempotency-Key (API.md, R-DEB-5): the same key from the same user returns the first
response and creates nothing new; the same key with a different request is 422.

Enforced in one place: apikit.Blueprint wraps every view that answers 201 (a creating POST)
with `idempotent`, so a new endpoint cannot forget it, and documents the header on it.

The key is inserted before the creation, in the same transaction, so two concurrent
requests with one key cannot both create: the loser waits on the unique index, fails,
and is retried, finding the winner's stored response.
"""
import functools
import hashlib
import json

from flask import Response, g, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import clock
from .db import RetryTransaction, UTCDateTime, transactional
from .errors import N_, RuleViolation
from .extensions import db

MAX_KEY_LENGTH = 200
HEADER = "Idempotency-Key"
PARAMETER = {
    "in": "header", "name": HEADER, "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"^[\x21-\x7e]+$"},
    "description": "Any printable ASCII text of at most 200 characters, chosen by the client. Sent again "
                   "with the same request, the first response is returned (header `Idempotent-Replayed: "
                   "true`) and nothing new is created; with a different request, 422.",
}


class IdempotencyKey(db.Model):
    """The first response to a request carrying an Idempotency-Key, replayed on repeats (R-DEB-5).
    Here, beside its one user, not among the ledger's models: every creating endpoint has it."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (db.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    key = db.Column(db.String(200), nullable=False)
    fingerprint = db.Column(db.String(64), nullable=False)
    status_code = db.Column(db.Integer, nullable=False)
    response = db.Column(db.JSON, nullable=False)
    created_at = db.Column(UTCDateTime(), nullable=False)


def fingerprint():
    """What identifies the request a key was first used for: method, path and exact body."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    # A form already parsed (the request guards read it) leaves get_data() empty: its fields
    # and files' contents stand for the body.
    for key, value in sorted(request.form.items(multi=True)):
        digest.update(f"{key}={value}\n".encode())
    for key, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        position = upload.stream.tell()
        upload.stream.seek(0)
        digest.update(f"{key}:{upload.filename}:".encode() + hashlib.sha256(upload.stream.read()).digest())
        upload.stream.seek(position)
    return digest.hexdigest()


def idempotent(view):
    """Wrap a creating view (it returns a Flask Response) so a repeated key replays its answer."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        user = g.get("user")
        if key is None or user is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable() or " " in key:
            raise RuleViolation("An Idempotency-Key is 1 to 200 printable ASCII characters.",
                                {HEADER: ["1 to 200 printable ASCII characters, no spaces."]})
        body, status, replayed = _create_once(user.id, key, fingerprint(), view, args, kwargs)
        response = Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n", status=status,
                            mimetype="application/json")
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    return wrapper


@transactional
def _create_once(user_id, key, request_fingerprint, view, args, kwargs):
    stored = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                            IdempotencyKey.key == key))
    if stored is not None:
        if stored.fingerprint != request_fingerprint:
            raise RuleViolation("idempotency_key_reused",
                                N_("This Idempotency-Key was already used for a different request."),
                                {HEADER: [N_("Already used with another request.")]})
        return stored.response, stored.status_code, True
    record = IdempotencyKey(user_id=user_id, key=key, fingerprint=request_fingerprint, status_code=201,
                            response={}, created_at=clock.now())
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        raise RetryTransaction() from None
    response = view(*args, **kwargs)  # the services it calls join this transaction
    record.status_code = response.status_code
    record.response = response.get_json()
    return record.response, record.status_code, False
