"""Real browser tests: Playwright drives Debian's chromium against the app served by
werkzeug on a free loopback port, on the test database. Few and fast on purpose."""
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from clc_ledger import create_app

CHROMIUM = "/usr/bin/chromium"
# The README's screenshots are refreshed with CLC_SCREENSHOTS=1; otherwise they go to a
# temporary folder, so a test run leaves the working tree clean.
README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make system-deps)"),
]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield browser
        browser.close()


@contextmanager
def serving(app_config):
    """The app on 127.0.0.1 and a free port, in a background thread, on the same database."""
    app = create_app(app_config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def live_url(app_config, acme_two_orders):
    with serving(app_config) as url:
        yield url


@pytest.fixture
def page_for(chromium, live_url):
    contexts = []

    def open_as(username, password="correct-horse-battery", locale="en-US"):
        context = chromium.new_context(viewport={"width": 1200, "height": 900}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_url}/sign-in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        return page

    yield open_as
    for context in contexts:
        context.close()


def _available(page):
    return page.get_by_test_id("available-clc").inner_text().replace("\u202f", " ").replace("\xa0", " ")


def test_sign_in_accept_the_terms_and_see_the_balance(api, acme_two_orders, page_for):
    api.person("newbie", "member", acme_two_orders["company"]["id"], accept_terms=False)
    page = page_for("newbie")
    assert "/terms" in page.url
    page.get_by_role("button", name="I accept the Terms and Conditions").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Acme Networks"
    assert _available(page) == "750.00 CLC"
    assert page.get_by_test_id("available-usd").inner_text() == "$75,000.00"
    page.get_by_text("All details of SO-1001").click()  # the row expands, no script needed
    assert page.get_by_role("term").filter(has_text="Days left").first.is_visible()


@pytest.fixture
def screenshots(tmp_path):
    folder = README_SCREENSHOTS if os.environ.get("CLC_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_member_requests_a_debit_a_captain_approves_it_and_the_balance_drops(api, acme_two_orders, page_for, screenshots):
    api.set_clock("2026-11-20T18:00:00+00:00")  # SO-1001 now expires within 90 days
    mike = page_for("mike")
    mike.get_by_role("link", name="Request a debit").click()
    mike.get_by_label("Category").select_option("exam_voucher")
    mike.get_by_label("What the credits are for").fill("CCNP ENCOR exam for Dana")
    mike.get_by_label("Amount (CLC)").fill("120.50")
    assert mike.locator("#remaining-value").inner_text() == "629.50 CLC"  # as you type
    mike.get_by_role("button", name="Request debit").click()
    assert "waiting for a captain's approval" in mike.locator(".flash").first.inner_text()

    carla = page_for("carla")
    carla.screenshot(path=str(screenshots / "home.png"), full_page=True)
    carla.get_by_role("link", name="Approvals").click()
    row = carla.get_by_role("row").filter(has_text="CCNP ENCOR exam for Dana")
    assert "mike" in row.inner_text() and "120.50 CLC" in row.inner_text()
    carla.screenshot(path=str(screenshots / "approvals.png"), full_page=True)
    row.get_by_role("button", name=re.compile(r"^Approve #")).click()
    assert "approved" in carla.locator(".flash").first.inner_text()

    mike.goto(mike.url.split("/debits")[0] + "/")
    assert _available(mike) == "629.50 CLC"


def test_a_reissue_request_reaches_the_back_office_and_its_approval_creates_the_new_sales_order(api, acme_two_orders,
                                                                                                 page_for):
    api.admin
    api.set_clock("2026-11-20T18:00:00+00:00")  # SO-1001 expires 2027-01-10: its window is open
    carla = page_for("carla")
    carla.get_by_role("link", name="Request reissue of SO-1001").click()  # on the row, without expanding it
    carla.get_by_label("Course or item").fill("CCIE Enterprise bootcamp")
    carla.get_by_label("Category").select_option("automation_bootcamp")
    carla.get_by_label("Planned date").fill("2027-03-15")
    carla.get_by_label("Credits (CLC)").fill("500.00")
    assert "matches the amount" in carla.locator("#plan-total").inner_text()
    carla.get_by_role("button", name="Submit reissue request").click()
    assert "submitted for review" in carla.locator(".flash").first.inner_text()

    admin = page_for("backoffice")
    admin.get_by_role("link", name="Reissue review").first.click()
    admin.get_by_role("button", name=re.compile(r"^Approve reissue #")).click()
    assert "SO-1001-R" in admin.locator(".flash").first.inner_text()
    carla.goto(carla.url.split("/reissue-requests")[0] + "/")
    assert carla.get_by_text("SO-1001-R").first.is_visible()


def test_the_german_ui_shows_german_words_and_number_formats(acme_two_orders, page_for):
    page = page_for("mike")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change language").click()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_text("Verfügbare Credits").is_visible()
    assert _available(page) == "750,00 CLC"
    assert page.get_by_role("button", name="Abmelden").is_visible()


def test_a_captain_disputes_a_charge_in_the_browser_and_the_back_office_upholds_it(api, acme_two_orders, page_for):
    debit = acme_two_orders["member"].post("/api/v1/debits", json={"category": "exam_voucher", "description": "Wrong exam",
                                                        "amount": "80.00"})
    assert debit.status_code == 201, debit.get_json()
    assert acme_two_orders["captain"].post(f"/api/v1/debits/{debit.get_json()['id']}/approve").status_code == 200
    api.admin
    carla = page_for("carla")
    assert _available(carla) == "670.00 CLC"
    carla.get_by_role("link", name="Debits").click()
    row = carla.get_by_role("row").filter(has_text="Wrong exam")
    row.locator("summary", has_text="Dispute this charge").click()  # opens without script
    row.get_by_label(re.compile(r"^Why debit #\d+ is wrong")).fill("The exam was never taken")
    row.get_by_role("button", name=re.compile(r"^Dispute debit #")).click()
    assert "sent to the back office" in carla.locator(".flash").first.inner_text()

    admin = page_for("backoffice")
    admin.get_by_role("link", name="Dispute resolution").first.click()
    row = admin.get_by_role("row").filter(has_text="The exam was never taken")
    assert "Acme Networks" in row.inner_text() and "80.00 CLC" in row.inner_text()
    row.get_by_label(re.compile(r"^Note on dispute")).fill("Voucher unused")
    row.get_by_role("button", name=re.compile(r"^Uphold #")).click()
    assert "80.00 CLC returned" in admin.locator(".flash").first.inner_text()

    carla.goto(carla.url.split("/disputes")[0] + "/")
    assert _available(carla) == "750.00 CLC"
