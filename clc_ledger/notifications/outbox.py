"""The transactional outbox (R-NOT-2), its public face: emails are written in the caller's
transaction (notifications.enqueue), delivered once by the `deliver-outbox` job
(notifications.delivery), over SMTP or into .eml files (notifications.transports)."""
from .delivery import backoff, build_email, deliver_outbox, max_attempts, rendered
from .enqueue import Email, Notice, enqueue_emails, enqueue_notice, enqueue_notices
from .transports import EmlTransport, PermanentFailure, ServerUnavailable, SmtpTransport, TemporaryFailure

__all__ = ["Email", "EmlTransport", "Notice", "PermanentFailure", "ServerUnavailable", "SmtpTransport",
           "TemporaryFailure", "backoff", "build_email", "deliver_outbox", "enqueue_emails", "enqueue_notice",
           "enqueue_notices", "max_attempts", "rendered"]
