import os
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.notifications.conftest import SmtpServer

from .helpers import History

TRANSLATIONS = Path(__file__).resolve().parents[2] / "clc_ledger" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_mail_catalogs():
    """`make test` compiles the catalogs; a bare `pytest` run gets the mail ones compiled here."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/mail.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            partial = mo.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as target:
                write_mo(target, catalog)
            os.replace(partial, mo)  # atomic: parallel workers never read half a file


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
