import pytest

from tests.smtp import SmtpServer

from .helpers import History


@pytest.fixture
def history(api):
    return History(api)


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback that the outbox delivers to."""
    server = SmtpServer()
    server.start()
    app.config["CLC_MAIL_URL"] = server.url
    yield server
    server.stop()
