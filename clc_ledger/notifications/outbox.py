"""The transactional outbox (R-NOT-2).

`enqueue(...)` writes an email as a row in the caller's transaction: if the change it
reports rolls back, so does the email; `enqueue_emails(...)` writes many in two statements.
`enqueue_notice(...)` does the same for a templated notice, storing its template, language
and values, and rendering it at delivery. `deliver_outbox(now)` (the `deliver-outbox` job)
sends what is due over SMTP (`CLC_MAIL_URL`), or writes `.eml` files when no mail URL is
configured.

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
import smtplib
import socket
import ssl
import tempfile
import threading
import uuid
from functools import lru_cache
from typing import NamedTuple
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..db import adopt, transactional, utcnow_real
from ..extensions import db
from .models import OutboxAttachment, OutboxMessage

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
DEFAULT_MAX_ATTEMPTS = 30  # 1+2+...+32 min, then hourly: about a day of outage
# A claim outlives any SMTP conversation (30 s timeouts) and dies with its deliverer within
# two minutes (R-JOB-1): a message claimed by a killed process is sent again after that.
LEASE = timedelta(minutes=2)
SMTP_TIMEOUT = 30
BATCH = 50


# --- enqueue -------------------------------------------------------------------------

def enqueue(*, to, subject, text, html=None, attachments=(), dedupe_key=None):
    """Add an email to the outbox in the CURRENT transaction; never commits.

    `to`: one address or an iterable of addresses (duplicates and blanks dropped).
    `attachments`: (filename, content_bytes, mimetype) tuples or dicts with those keys.
    `dedupe_key`: if a message with this key exists already, nothing is added and that
    message is returned (the same notification is never enqueued twice).
    Returns the OutboxMessage, or None when there is nobody to send to.
    """
    recipients = _recipients(to)
    if not recipients:
        log.info("Not enqueued (no recipients): %s", subject)
        return None
    upsert = dedupe_key is not None and db.session.get_bind().dialect.name in _UPSERT_DIALECTS
    if dedupe_key is not None and not upsert:
        existing = _by_dedupe_key(dedupe_key)
        if existing is not None:
            return existing
    values, parts = _email_row(recipients, subject, text, html, attachments, dedupe_key)
    if upsert:
        return _insert_once(values, parts)
    message = OutboxMessage(**values)
    for filename, content, mimetype in parts:
        message.attachments.append(OutboxAttachment(filename=filename, content=content, mimetype=mimetype))
    if dedupe_key is None:
        db.session.add(message)
        db.session.flush()
        return message
    try:
        # A concurrent transaction may enqueue the same key (PostgreSQL: we wait for it,
        # then hit the unique key): keep the caller's transaction alive and return theirs.
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        existing = _by_dedupe_key(dedupe_key)
        if existing is None:
            raise
        return existing
    return message


_UPSERT_DIALECTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def _new_message(recipients, dedupe_key, **content):
    """The columns of a message as it enters the outbox: pending, never tried, due now."""
    now = clock.now()
    return dict(message_id=make_msgid(domain=_mail_domain()), dedupe_key=dedupe_key, recipients=recipients,
                status="pending", attempts=0, next_attempt_at=now, created_at=now, **content)


def _email_row(recipients, subject, text, html, attachments, dedupe_key):
    """(the message's columns, its attachments as (filename, bytes, mimetype))."""
    values = _new_message(recipients, dedupe_key, subject=" ".join(str(subject).split())[:998], text_body=text,
                          html_body=html)
    return values, [_attachment_parts(attachment) for attachment in attachments]


def _insert_unless_queued(returning=False):
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING for this database (RETURNING the new
    rows' dedupe_key and id, if asked), built once per dialect: a debit's notices are on its
    hot path, and building the statement costs more than running it."""
    key = (db.session.get_bind().dialect.name, returning)
    statement = _UPSERT_STATEMENTS.get(key)
    if statement is None:
        table = OutboxMessage.__table__
        statement = _UPSERT_DIALECTS[key[0]](table).on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
        if returning:
            statement = statement.returning(table.c.dedupe_key, table.c.id)
        _UPSERT_STATEMENTS[key] = statement
    return statement


_UPSERT_STATEMENTS = {}


def enqueue_notice(template, locale, *, to, dedupe_key, **values):
    """Add the notice `templates/mail/<template>.*` to the outbox in the CURRENT transaction.

    `values` are what the template shows, as plain JSON (numbers, strings, lists, dicts;
    dates become ISO strings): a snapshot, so the email says what was true when it was
    queued, whenever it is sent. Rendered in `locale` at delivery. Once per `dedupe_key`.
    Returns whether there was anyone to send to.
    """
    return enqueue_notices([Notice(template, locale, to, dedupe_key, values)]) == 1


class Notice(NamedTuple):
    template: str
    locale: str
    to: object  # an address or a list of them
    dedupe_key: str
    values: dict


def enqueue_notices(notices):
    """enqueue_notice for several at once, in one statement; returns how many had recipients."""
    rows = [_new_message(recipients, notice.dedupe_key, template=notice.template, locale=notice.locale,
                         snapshot=_plain(notice.values))
            for notice, recipients in _addressed(notices)]
    if rows:
        db.session.connection().execute(_insert_unless_queued(), rows)
    return len(rows)


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not a plain value for a notice snapshot: {value!r}")


class Email(NamedTuple):
    """An email rendered already, for enqueue_emails."""
    to: object  # an address or a list of them
    subject: str
    text: str
    html: str | None
    attachments: list  # as for enqueue
    dedupe_key: str


def enqueue_emails(emails):
    """enqueue(...) for many emails, each with its dedupe_key, in the CURRENT transaction:
    one INSERT for the messages and one for all their attachments (a job's bulk path: a
    month's statements are one email per company). Returns how many were added; an email
    whose key is queued already, or that has nobody to send to, is not."""
    rows = [_email_row(recipients, email.subject, email.text, email.html, email.attachments, email.dedupe_key)
            for email, recipients in _addressed(emails)]
    return len(_insert_unless_queued_many(rows))


def _addressed(items):
    """(item, its recipients) for each Notice or Email with anyone to send to; the others are
    logged and left out."""
    for item in items:
        recipients = _recipients(item.to)
        if recipients:
            yield item, recipients
        else:
            log.info("Not enqueued (no recipients): %s", item.dedupe_key)


def _insert_unless_queued_many(rows):
    """[(values, parts)] with dedupe keys -> {dedupe_key: id} of the messages inserted, in two
    statements. A key queued already is skipped: INSERT ... ON CONFLICT (dedupe_key) DO
    NOTHING (a concurrent transaction holding the same key makes PostgreSQL wait for it and
    then do nothing, as the unique key did before)."""
    if not rows:
        return {}
    connection = db.session.connection()
    inserted = dict(connection.execute(_insert_unless_queued(returning=True), [values for values, _ in rows]).all())
    attachments = [{"outbox_message_id": inserted[values["dedupe_key"]], "filename": filename, "content": content,
                    "mimetype": mimetype}
                   for values, parts in rows if values["dedupe_key"] in inserted for filename, content, mimetype in parts]
    if attachments:
        connection.execute(_INSERT_ATTACHMENTS, attachments)
    return inserted


_INSERT_ATTACHMENTS = insert(OutboxAttachment.__table__)


def _insert_once(values, parts):
    """The message as inserted (as if loaded: nothing read back), or the one queued already
    with its dedupe_key."""
    new_id = _insert_unless_queued_many([(values, parts)]).get(values["dedupe_key"])
    if new_id is None:
        existing = _by_dedupe_key(values["dedupe_key"])
        if existing is None:
            raise AssertionError(f"outbox: key {values['dedupe_key']!r} neither inserted nor found")
        return existing
    message = OutboxMessage(id=new_id, **values)
    adopt(message)
    return message


def _by_dedupe_key(key):
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))


def _recipients(to):
    if isinstance(to, str):
        to = [to]
    seen = []
    for address in to or ():
        address = (address or "").strip()
        if not address:
            continue
        if not _is_address(address):
            raise ValueError(f"not an email address: {address!r}")
        if address.lower() not in (a.lower() for a in seen):
            seen.append(address)
    return seen


@lru_cache(maxsize=4096)  # the same people hear about every debit of their company
def _is_address(address):
    return "@" in parseaddr(address)[1]


def _attachment_parts(attachment):
    if isinstance(attachment, dict):
        filename, content, mimetype = attachment["filename"], attachment["content"], attachment.get("mimetype")
    else:
        filename, content, mimetype = attachment
    if isinstance(content, str):
        content = content.encode("utf-8")
    return filename, bytes(content), mimetype or "application/octet-stream"


def _from_address():
    return current_app.config.get("CLC_MAIL_FROM") or "CLC Ledger <no-reply@clc-ledger.example>"


def _mail_domain():
    return _domain_of(_from_address())


@lru_cache(maxsize=16)
def _domain_of(from_address):
    return parseaddr(from_address)[1].rpartition("@")[2] or "clc-ledger.local"


# --- delivery ------------------------------------------------------------------------

class TemporaryFailure(Exception):
    """4xx or a lost connection: try again later."""


class ServerUnavailable(TemporaryFailure):
    """Cannot even talk to the server: stop this run, later messages would fail the same way."""


class PermanentFailure(Exception):
    """5xx: this message will never be accepted; do not retry."""


def deliver_outbox(now=None, *, limit=1000, deliverer=None):
    """The `deliver-outbox` job: send every due message once. Returns counts."""
    now = now or clock.now()
    deliverer = deliverer or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
    transport = _transport()
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
    except PermanentFailure as error:
        _finish(message_id, deliverer, status="failed", last_error=str(error))
        log.warning("Outbox message %s failed permanently: %s", message_id, error)
        return "failed", False
    except TemporaryFailure as error:
        stop = isinstance(error, ServerUnavailable)
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
        note = "refused recipients: " + "; ".join(f"{address} {code} {_text(text)}"
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
    return int(current_app.config.get("CLC_MAIL_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)


def rendered(message):
    """(subject, text, html or None) of an outbox row: as stored, or its notice rendered now."""
    if message.template is None:
        return message.subject, message.text_body, message.html_body
    from .mail import render_email

    subject, text, html = render_email(message.template, message.locale, **message.snapshot)
    return " ".join(subject.split())[:998], text, html


def build_email(message):
    """The RFC 5322 message for an outbox row: the same on every attempt (same Message-ID,
    date and snapshot)."""
    email = EmailMessage()
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["From"] = _from_address()
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


# --- transports ------------------------------------------------------------------------

def _transport():
    url = current_app.config.get("CLC_MAIL_URL")
    if url:
        return SmtpTransport(url, envelope_from=parseaddr(_from_address())[1])
    directory = current_app.config.get("CLC_MAIL_DIR") or os.path.join(current_app.instance_path, "mail")
    return EmlTransport(directory)


class SmtpTransport:
    """One SMTP connection per run, opened on the first message.

    smtp://host:port (plain), smtp+tls://host:port (STARTTLS), smtps://host:port (TLS);
    optional user:password@ before the host.
    """

    def __init__(self, url, *, envelope_from):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+tls", "smtps"):
            raise ValueError(f"CLC_MAIL_URL must start with smtp://, smtp+tls:// or smtps://, not {parts.scheme}://")
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.envelope_from = envelope_from
        self.smtp = None

    def _connect(self):
        if self.smtp is not None:
            return self.smtp
        try:
            if self.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
            if self.scheme == "smtp+tls":
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise ServerUnavailable(f"cannot reach {self.host}:{self.port}: {_describe(error)}") from error
        self.smtp = smtp
        return smtp

    def send(self, email, recipients):
        smtp = self._connect()
        try:
            return smtp.send_message(email, from_addr=self.envelope_from, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            text = _describe(error)
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(text) from error
            raise TemporaryFailure(text) from error
        except smtplib.SMTPResponseException as error:  # sender refused, data refused, ...
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(_describe(error)) from error
            self.close()
            raise TemporaryFailure(_describe(error)) from error
        except (OSError, smtplib.SMTPException) as error:  # disconnected, timeout, reset
            self.close()
            raise ServerUnavailable(_describe(error)) from error

    def close(self):
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class EmlTransport:
    """No mail server configured: each message becomes `<id>.eml` in a directory. Writing the
    same message again replaces its file, so even a repeat never makes a second mail."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def send(self, email, recipients):
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = email["Message-ID"].strip("<>").replace("/", "_")
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                file.write(bytes(email))
            os.replace(temporary, self.directory / f"{name}.eml")
        except OSError as error:
            raise ServerUnavailable(f"cannot write to {self.directory}: {error}") from error
        return {}

    def close(self):
        pass


def _describe(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "recipients refused: " + "; ".join(
            f"{address} {code} {_text(message)}" for address, (code, message) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(message):
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
