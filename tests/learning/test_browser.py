"""The learning pages in Debian's chromium at 1280 and 390 px: people with progress bars, a
claim submitted with an evidence file, the review queue, the debit form's CE fields; nothing
wider than the screen."""
import os

import pytest

from tests.web.test_browser import CHROMIUM, chromium, serving  # noqa: F401  (chromium is a fixture)

from .conftest import certify

PDF = b"%PDF-1.7\n%%EOF\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make system-deps)"),
]


@pytest.fixture
def live_url(app_config, roster):
    with serving(app_config) as url:
        yield url


@pytest.fixture
def page_for(chromium, live_url):
    contexts = []

    def open_as(username, width):
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_url}/sign-in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_url}/")
        return page

    yield open_as, live_url
    for context in contexts:
        context.close()


def fits(page):
    """Nothing wider than the screen, measured once the page and its style sheet have loaded
    (right after a click the table may be laid out without them)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_claim_with_evidence_then_review_at_each_width(api, roster, catalog, page_for, tmp_path, width):
    open_as, url = page_for
    certify(roster["carla"], roster["pat"]["id"], "CCNP Enterprise", "professional", "2024-03-01")
    certify(roster["carla"], roster["quinn"]["id"], "CCNA", "associate", "2023-09-01")
    mo = open_as("mo", width)
    assert mo.get_by_role("heading", name="Certifications at risk").count() == 0  # members see only their own
    mo.get_by_role("link", name="People").click()
    mo.get_by_role("link", name="Pat").click()
    bar = mo.locator("progress")
    assert bar.get_attribute("max") == "80" and bar.get_attribute("value") == "0"
    mo.get_by_label("CE item").select_option(label="ENCOR · Course ENCOR (40 CE credits)")
    mo.get_by_label("Completed on").fill("2026-06-01")
    evidence = tmp_path / "certificate.pdf"
    evidence.write_bytes(PDF)
    mo.get_by_label("Evidence (PDF, PNG or JPEG, up to 10 MB)").set_input_files(str(evidence))
    mo.get_by_role("button", name="Submit claim").click()
    assert "40 CE credits pending review" in mo.locator(".flashes").inner_text()
    assert fits(mo)
    dana = open_as("dana", width)
    assert "CCNA" in dana.get_by_role("heading", name="Certifications at risk").locator("..").inner_text()
    dana.get_by_role("link", name="CE claims").click()
    assert "certificate.pdf" in dana.locator("table").inner_text()
    assert fits(dana)
    dana.get_by_role("button", name="Earned").click()
    assert "is earned" in dana.locator(".flashes").inner_text()
    dana.goto(f"{url}/people")
    assert dana.locator("#progress-1").get_attribute("value") == "40" and fits(dana)


@pytest.mark.parametrize("width", [1280, 390])
def test_debit_form_offers_ce_items_and_attendees(api, roster, catalog, page_for, width):
    open_as, _url = page_for
    api.sales_order("SO-5", roster["company"]["id"], "300.00")
    carla = open_as("carla", width)
    carla.get_by_role("link", name="Request a debit").click()
    carla.get_by_label("CE item").select_option(label="ENCOR · Course ENCOR (40 CE credits)")
    carla.get_by_label("Seats").fill("2")
    carla.get_by_label("Pat").check()
    assert fits(carla)
