"""Where the outbox's emails go: an SMTP server (`CLC_MAIL_URL`), or `.eml` files in
`CLC_MAIL_DIR` (instance/mail by default) when no mail URL is configured."""
import os
import smtplib
import ssl
import tempfile
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from . import enqueue

SMTP_TIMEOUT = 30


class TemporaryFailure(Exception):
    """4xx or a lost connection: try again later."""


class ServerUnavailable(TemporaryFailure):
    """Cannot even talk to the server: stop this run, later messages would fail the same way."""


class PermanentFailure(Exception):
    """5xx: this message will never be accepted; do not retry."""


def from_config():
    url = current_app.config.get("CLC_MAIL_URL")
    if url:
        return SmtpTransport(url, envelope_from=parseaddr(enqueue.from_address())[1])
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
            f"{address} {code} {one_line(message)}" for address, (code, message) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {one_line(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def one_line(message):
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
