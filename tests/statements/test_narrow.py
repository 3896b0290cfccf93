"""The statement email reads on a 390 px phone (R-STM-1): nothing wider than the screen, in a
real chromium, for a German statement with long words and big amounts and a Japanese one."""
import os
import re

import pytest

from clc_ledger.notifications.mail import render_email
from clc_ledger.statements.html import statement_email

from .test_words import german_march

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make system-deps)"),
]


@pytest.fixture(scope="module")
def phone():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        yield page
        browser.close()


def overflow(page, html):
    page.set_content(html)
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_statement_email_fits_a_390_px_screen(api, phone):
    _company, statement = german_march(api)
    html = statement_email(statement)["html"]
    assert not re.search(r"(?<!max-)width:\s*(\d{4,}|[4-9]\d\d)px", html)  # no fixed width over 390 px
    assert overflow(phone, html) <= 390


def test_notices_fit_a_390_px_screen(app, phone):
    html = render_email("expiry_reminder", "de_DE", company={"name": "Müller Netzwerke GmbH"},
                        sales_order={"so_number": "SO-104233"}, expires_on="2027-01-10", days_left=30,
                        available=123456789, reissue="now", reissue_until="2027-03-11")[2]
    assert overflow(phone, html) <= 390
