"""Delivering the outbox (R-NOT-2): `deliver_outbox(now)` is the `deliver-outbox` job.

Exactly once, even with two deliverers: a message is claimed with a compare-and-set lease
(UPDATE ... WHERE status = 'pending' AND lease free) in its own short transaction before
it is sent, and marked sent by the holder of that lease. Its Message-ID is made at enqueue
and is the same on every attempt, so a receiver can recognise a repeat should the database
fail between the SMTP server's "250 OK" and the mark.

Failures: a connection error or a 4xx reply is retried with capped exponential backoff
(1 min, 2, 4, ... at most 1 h) up to CLC_MAIL_MAX_ATTEMPTS; a 5xx reply marks the message
`failed` at once (retrying cannot help).
"""
import logging
import os
import socket
import threading
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import or_, select, update

from .. import clock
from ..db import transactional, utcnow_real
from ..extensions import db
from . import enqueue, transports
from .mail import render_email
from .models import OutboxMessage

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
# A claim outlives any SMTP conversation (30 s timeouts) and dies with its deliverer within
# two minutes (R-JOB-1): a message claimed by a killed process is sent again after that.
LEASE = timedelta(minutes=2)
BATCH = 50


def deliver_outbox(now=None, *, limit=1000, deliverer=None):
    """The `deliver-outbox` job: send every due message once. Returns counts."""
    now = now or clock.now()
    deliverer = deliverer or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
    transport = transports.from_config()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    after = 0
    try:
        while sum(counts.values()) < limit:
            ids = _due_ids(now, after)
            if not ids:
                break
            for message_id in ids:
                after = message_id
                if not _claim(message_id, deliverer, now):
                    continue  # another deliverer has it, or already sent it
                outcome, stop = _deliver_one(message_id, deliverer, transport, now)
                counts[outcome] += 1
                if stop:
                    return {**counts, "stopped": "mail server unavailable"}
    finally:
        transport.close()
        db.session.rollback()
    return counts


def _due_condition(now):
    return (
        OutboxMessage.status == "pending",
        # Never attempted: due whatever the (test) clock says; retries wait for their time.
        or_(OutboxMessage.attempts == 0, OutboxMessage.next_attempt_at <= now),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < utcnow_real()),
    )


def _due_ids(now, after):
    db.session.rollback()  # a fresh snapshot
    return db.session.scalars(
        select(OutboxMessage.id).where(*_due_condition(now), OutboxMessage.id > after)
        .order_by(OutboxMessage.id).limit(BATCH)
    ).all()


@transactional
def _claim(message_id, deliverer, now):
    """Compare-and-set: take the lease only if the message is still pending, due and free."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, *_due_condition(now))
        .values(claimed_by=deliverer, claimed_until=utcnow_real() + LEASE, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _deliver_one(message_id, deliverer, transport, now):
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.id == message_id).execution_options(populate_existing=True)
    ).scalar_one()
    recipients, attempts = list(message.recipients), message.attempts
    try:
        email = build_email(message)
    except Exception as error:  # a notice that cannot render never will: say so, keep going
        log.exception("Outbox message %s cannot be rendered", message_id)
        db.session.rollback()
        _finish(message_id, deliverer, status="failed", last_error=f"cannot be rendered: {error!r}")
        return "failed", False
    db.session.rollback()  # hold no transaction while talking to the mail server
    try:
        refused = transport.send(email, recipients)
    except transports.PermanentFailure as error:
        _finish(message_id, deliverer, status="failed", last_error=str(error))
        log.warning("Outbox message %s failed permanently: %s", message_id, error)
        return "failed", False
    except transports.TemporaryFailure as error:
        stop = isinstance(error, transports.ServerUnavailable)
        if attempts >= max_attempts():
            _finish(message_id, deliverer, status="failed", last_error=f"gave up after {attempts} attempts: {error}")
            log.warning("Outbox message %s failed after %s attempts: %s", message_id, attempts, error)
            return "failed", stop
        _finish(message_id, deliverer, status="pending", last_error=str(error),
                next_attempt_at=now + backoff(attempts))
        log.info("Outbox message %s will be retried (attempt %s): %s", message_id, attempts, error)
        return "retrying", stop
    note = None
    if refused:  # accepted for the others: sent (sending again would repeat it to them)
        note = "refused recipients: " + "; ".join(f"{address} {code} {transports.one_line(text)}"
                                                  for address, (code, text) in refused.items())
    if not _finish(message_id, deliverer, status="sent", last_error=note, sent_at=now):
        log.error("Outbox message %s was sent but its lease had been lost", message_id)
    return "sent", False


@transactional
def _finish(message_id, deliverer, *, status, **values):
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == deliverer,
               OutboxMessage.status == "pending")
        .values(status=status, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def backoff(attempts):
    """1 min after the first failed attempt, doubling, at most 1 h."""
    return min(MAX_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


def max_attempts():
    return int(current_app.config["CLC_MAIL_MAX_ATTEMPTS"])


def rendered(message):
    """(subject, text, html or None) of an outbox row: as stored, or its notice rendered now."""
    if message.template is None:
        return message.subject, message.text_body, message.html_body

    subject, text, html = render_email(message.template, message.locale, **message.snapshot)
    return " ".join(subject.split())[:998], text, html


def build_email(message):
    """The RFC 5322 message for an outbox row: the same on every attempt (same Message-ID,
    date and snapshot)."""
    email = EmailMessage()
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["From"] = enqueue.from_address()
    email["To"] = ", ".join(message.recipients)
    subject, text, html = rendered(message)
    email["Subject"] = subject
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(text)
    if html:
        email.add_alternative(html, subtype="html")
    for attachment in message.attachments:
        kind, *parameters = (part.strip() for part in attachment.mimetype.split(";"))
        maintype, _, subtype = kind.partition("/")
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=attachment.filename,
                             params=dict(parameter.partition("=")[::2] for parameter in parameters))
    return email
