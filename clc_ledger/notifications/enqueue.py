"""Writing emails to the outbox (R-NOT-2), in the caller's transaction: if the change they
report rolls back, so do they. Each has a dedupe_key and is written at most once for it
(INSERT ... ON CONFLICT DO NOTHING on both databases).

- `enqueue_notice(...)` / `enqueue_notices([...])`: a templated notice, stored as its
  template, language and values (plain JSON) and rendered at delivery;
- `enqueue_emails([...])`: emails rendered already, with attachments (a month's statements).
"""
import logging
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple
from email.utils import make_msgid, parseaddr

from flask import current_app
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import clock
from ..extensions import db
from .models import OutboxAttachment, OutboxMessage

log = logging.getLogger(__name__)

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
    attachments: list  # (filename, bytes or str, mimetype) tuples or dicts with those keys
    dedupe_key: str


def enqueue_emails(emails):
    """Add many rendered emails, each with its dedupe_key, in the CURRENT transaction:
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


def from_address():
    return current_app.config["CLC_MAIL_FROM"]


def _mail_domain():
    return _domain_of(from_address())


@lru_cache(maxsize=16)
def _domain_of(sender):
    return parseaddr(sender)[1].rpartition("@")[2] or "clc-ledger.local"
