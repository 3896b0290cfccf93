"""A real SMTP server on loopback (aiosmtpd) for tests that read what was mailed.

    def test_something(app, smtp_server):
        app.config["CLC_MAIL_URL"] = smtp_server.url     # or use the `smtp` fixture
        ... run deliver-outbox ...
        [message] = smtp_server.messages                 # email.message.EmailMessage
        assert message["To"] == "carla@example.com"

`smtp_server.refuse(550, "No such user")` makes it answer every message with that reply
(5xx permanent, 4xx temporary) and `smtp_server.refuse_recipient(address, 550)` refuses one
address, until `smtp_server.accept()`; `smtp_server.stop()` takes it
down (connections refused) and `smtp_server.start()` brings it back on the same port.
"""
import email
import socket
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port():
    # aiosmtpd refuses port 0: ask the kernel for a free port, then hand it over.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        refusal = self.server.refused_recipients.get(address.lower())
        if refusal is not None:
            return f"{refusal[0]} {refusal[1]}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        with self.server.lock:
            refusal = self.server.refusal
            if refusal is not None:
                self.server.refused += 1
                return f"{refusal[0]} {refusal[1]}"
            message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.host = "127.0.0.1"
        self.messages = []  # parsed EmailMessage objects, in arrival order
        self.envelopes = []  # (MAIL FROM, [RCPT TO...]) for each message
        self.refusal = None
        self.refused = 0
        self.refused_recipients = {}  # address -> (code, text) answered to its RCPT TO  # DATA commands answered with the refusal
        self.lock = threading.Lock()
        self._controller = None
        self.running = False

    @property
    def url(self):
        return f"smtp://{self.host}:{self.port}"

    def start(self):
        if not self.running:
            # A stopped Controller's event loop is closed: a new one on the same port.
            self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10)
            self._controller.start()
            self.running = True

    def stop(self):
        if self.running:
            self._controller.stop()
            self.running = False

    def refuse(self, code=550, text="5.1.1 Mailbox unavailable"):
        self.refusal = (code, text)

    def refuse_recipient(self, address, code=550, text="5.1.1 No such user"):
        self.refused_recipients[address.lower()] = (code, text)

    def accept(self):
        self.refusal = None
        self.refused_recipients.clear()

    def message_ids(self):
        return [message["Message-ID"] for message in self.messages]


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(app, smtp_server):
    """The app's outbox delivers to the test SMTP server."""
    app.config["CLC_MAIL_URL"] = smtp_server.url
    return smtp_server
