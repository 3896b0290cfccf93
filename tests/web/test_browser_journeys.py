"""Journeys in Debian's chromium at a desktop (1280 px) and a phone (390 px) width: the moment
of expiry (R-EXP-1), warnings for a fully held SO (R-EXP-3), the reissue prompt after expiry
(R-RSS-1), approvals reachable without sideways scrolling, and Enter in the reissue form.
Every page visited is checked by axe-core (axe-playwright-python): 0 violations."""
import os
import re

import pytest
from playwright.sync_api import expect

from tests.web.test_browser import CHROMIUM, README_SCREENSHOTS, chromium, live_url  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make system-deps)"),
]

WIDTHS = (1280, 390)
SO_1001_MOMENT = "12:01 AM on Jan 10, 2027 (Pacific Time)"


def _squeeze(text):
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


@pytest.fixture
def open_page(chromium, live_url):  # noqa: F811
    contexts = []

    def open_as(username, width, locale="en-US"):
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_url}/sign-in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("correct-horse-battery")
        with page.expect_navigation():  # the answer to the sign-in, whatever page it is
            page.get_by_role("button", name="Sign in").click()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def shots(tmp_path):
    folder = README_SCREENSHOTS if os.environ.get("CLC_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def no_sideways_scroll(page):
    """The document is exactly as wide as the viewport: nothing hides off to the right."""
    scroll, viewport = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll == viewport, f"{page.url}: the page scrolls sideways ({scroll} px in a {viewport} px viewport)"


def accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def check(page):
    no_sideways_scroll(page)
    accessible(page)


def in_viewport_horizontally(page, locator):
    box = locator.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def _debit(actor, amount, description, **extra):
    response = actor.post("/api/v1/debits", json={"category": "exam_voucher", "description": description,
                                                  "amount": amount, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("width", WIDTHS)
def test_home_shows_the_moment_of_expiry_and_warns_for_a_fully_held_sales_order(api, acme_two_orders, open_page, shots, width):
    api.set_clock("2026-11-20T18:00:00+00:00")  # SO-1001: 51 days left
    _debit(acme_two_orders["member"], "500.00", "All of SO-1001", allocations=[{"so_number": "SO-1001", "amount": "500.00"}])
    carla = open_page("carla", width)
    row = carla.locator("li.so", has_text="SO-1001")
    assert f"Expires at {SO_1001_MOMENT}" in _squeeze(row.inner_text())
    assert "51 days left" in row.inner_text()
    warnings = carla.get_by_role("region", name="Expiring within 90 days")
    assert warnings.is_visible() and "SO-1001" in warnings.inner_text()
    assert "held by requests awaiting approval" in warnings.inner_text()
    # A native disclosure: a reader hears "All details of SO-1001, collapsed"; Enter opens it.
    details = carla.locator("li.so", has_text="SO-1001").locator("details.so-more")
    assert details.get_attribute("open") is None
    details.locator("summary").focus()
    carla.keyboard.press("Enter")
    assert details.get_attribute("open") is not None
    assert details.get_by_role("term").filter(has_text="Days left").is_visible()
    check(carla)
    carla.screenshot(path=str(shots / ("home.png" if width == 1280 else "home-phone.png")), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_after_expiry_home_prompts_the_reissue_and_enter_never_removes_a_plan_line(api, acme_two_orders, open_page, shots,
                                                                                   width):
    api.set_clock("2027-01-20T18:00:00+00:00")  # SO-1001 expired on 10 Jan; window open until 11 Mar
    carla = open_page("carla", width)
    prompt = carla.get_by_role("region", name="Expired, but a reissue can still be requested")
    assert "A reissue can be requested until Mar 11, 2027." in _squeeze(prompt.inner_text())
    check(carla)
    prompt.get_by_role("link", name="Request reissue of SO-1001").click()
    carla.wait_for_url(re.compile(r"/reissue$"))
    check(carla)

    carla.get_by_label("Course or item").fill("CCIE Enterprise bootcamp")
    carla.get_by_label("Category").select_option("automation_bootcamp")
    carla.get_by_label("Planned date").fill("2027-03-15")
    carla.get_by_label("Credits (CLC)").fill("300.00")
    carla.get_by_role("button", name="Add a line").click()
    expect(carla.locator("fieldset.plan-line")).to_have_count(2)  # waits for the new page
    carla.locator("#item-1").fill("ENCOR course")
    carla.locator("#planned_on-1").fill("2027-04-01")
    carla.locator("#credits-1").fill("100.00")  # 400.00 of 500.00: refused, with the lines kept
    carla.locator("#item-0").press("Enter")
    summary = carla.get_by_role("alert")
    expect(summary).to_contain_text("The lines total 400.00 CLC; together they must cover exactly 500.00 CLC.")
    assert carla.locator("fieldset.plan-line").count() == 2, "Enter removed or added a plan line"
    assert carla.locator("#item-0").input_value() == "CCIE Enterprise bootcamp"
    assert carla.locator("#item-1").input_value() == "ENCOR course"
    assert carla.evaluate("document.activeElement.id") == "plan-total"  # the focus went to the error
    check(carla)
    carla.screenshot(path=str(shots / ("reissue-errors.png" if width == 1280 else "reissue-errors-phone.png")),
                     full_page=True)

    carla.locator("#credits-1").fill("200.00")
    carla.locator("#credits-1").press("Enter")
    expect(carla.locator(".flash").first).to_contain_text("submitted for review")
    check(carla)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_approve_and_reject_is_reachable_on_the_approval_queue(api, acme_two_orders, open_page, shots, width):
    for amount, what in (("120.50", "CCNP ENCOR exam for Dana, Tokyo office"), ("80.00", "DevNet labs"),
                         ("43.25", "Cisco Modeling Labs licence for the automation team")):
        _debit(acme_two_orders["member"], amount, what)
    carla = open_page("carla", width)
    carla.get_by_role("link", name=re.compile("3 debits await approval")).click()
    carla.wait_for_url(re.compile(r"/approvals$"))
    check(carla)
    buttons = carla.get_by_role("button", name=re.compile(r"^Approve #"))
    rejects = carla.locator("summary", has_text=re.compile(r"^Reject #"))
    assert buttons.count() == rejects.count() == 3
    for index in range(3):
        for control in (buttons.nth(index), rejects.nth(index)):
            control.scroll_into_view_if_needed()
            assert in_viewport_horizontally(carla, control), control
    rejects.nth(1).click()
    check(carla)  # with a reject form open
    carla.screenshot(path=str(shots / ("approvals.png" if width == 1280 else "approvals-phone.png")),
                     full_page=True)
    buttons.nth(0).click()
    expect(carla.locator(".flash").first).to_contain_text("approved")
    no_sideways_scroll(carla)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_debits_page_shows_the_balance_after_approval_without_sideways_scrolling(api, acme_two_orders, open_page, width):
    first = _debit(acme_two_orders["member"], "100.00", "ENCOR")
    mike = open_page("mike", width)
    mike.get_by_role("link", name="Debits", exact=True).click()
    mike.wait_for_url(re.compile(r"/debits$"))
    assert "Balance after approval: 650.00 CLC" in _squeeze(mike.locator("body").inner_text())
    cancel = mike.get_by_role("button", name=f"Cancel debit #{first['id']}")
    assert in_viewport_horizontally(mike, cancel)
    check(mike)
    mike.get_by_role("link", name="Pending", exact=True).click()
    mike.wait_for_url(re.compile(r"status=pending"))
    check(mike)
    # The active filter stands out from the others, not only for screen readers (aria-current).
    active = mike.locator('.subnav a[aria-current="page"]')
    other = mike.locator(".subnav a", has_text="Posted")
    assert active.inner_text() == "Pending"
    style = "e => getComputedStyle(e).backgroundColor"
    assert active.evaluate(style) != other.evaluate(style)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_other_page_passes_axe_and_fits_the_width(api, acme_two_orders, open_page, shots, width):
    api.set_clock("2026-11-20T18:00:00+00:00")
    posted = _debit(acme_two_orders["member"], "10.00", "Posted and disputed")
    acme_two_orders["captain"].post(f"/api/v1/debits/{posted['id']}/approve")
    dispute = acme_two_orders["captain"].post(f"/api/v1/debits/{posted['id']}/disputes", json={"reason": "Never used"})
    reissue = acme_two_orders["captain"].post("/api/v1/sales-orders/SO-1001/reissue-requests", json={
        "justification": "Project delayed", "training_plan": [
            {"item": "CCIE bootcamp", "category": "automation_bootcamp", "planned_on": "2027-03-15",
             "credits": "490.00"}]})
    assert reissue.status_code == 201, reissue.get_json()
    for job in ("expire-credits", "monthly-statements"):
        assert api.admin.post(f"/api/v1/jobs/{job}/run").status_code == 200
    api.person("newbie", "member", acme_two_orders["company"]["id"], accept_terms=False)
    newbie = open_page("newbie", width)
    assert newbie.url.endswith("/terms") or "/terms?" in newbie.url
    check(newbie)
    mike = open_page("mike", width)
    root = "/".join(mike.url.split("/", 3)[:3])
    for path in ("/debits/new", "/reissue-requests", "/disputes", f"/disputes/{dispute.get_json()['id']}",
                 "/statements", "/account/password"):
        response = mike.goto(root + path)
        assert response.status == 200, path
        check(mike)
    mike.goto(root + "/debits/new")
    mike.get_by_label("Amount (CLC)").fill("12.345")
    mike.get_by_label("What the credits are for").fill("Exam")
    mike.get_by_role("button", name="Request debit").click()
    expect(mike.get_by_role("alert")).to_be_visible()
    assert mike.evaluate("document.activeElement.id") == "amount"
    check(mike)
    admin = open_page("backoffice", width)
    for path in ("/admin/companies", f"/admin/companies/{acme_two_orders['company']['id']}",
                 f"/admin/companies/{acme_two_orders['company']['id']}/statements", "/admin/reissue-requests",
                 "/admin/disputes", "/admin/jobs"):
        response = admin.goto(root + path)
        assert response.status == 200, path
        check(admin)
        for button in admin.get_by_role("button").all():  # every action within reach
            if button.is_visible():
                button.scroll_into_view_if_needed()
                assert in_viewport_horizontally(admin, button), (path, button.inner_text())
    admin.screenshot(path=str(shots / ("jobs.png" if width == 1280 else "jobs-phone.png")), full_page=True)
    signed_out = open_page("nobody", width)  # a refused sign-in: the form with its error
    check(signed_out)


@pytest.mark.parametrize("width", WIDTHS)
def test_japanese_pages_write_months_the_japanese_way_and_labels_keep_their_width(api, acme_two_orders, open_page, shots,
                                                                                  width):
    api.set_clock("2026-11-20T18:00:00+00:00")
    _debit(acme_two_orders["member"], "20.00", "ENCOR")
    carla = open_page("carla", width)
    carla.get_by_label("Language").select_option("ja")
    carla.get_by_role("button", name="Change language").click()
    expect(carla.locator("html")).to_have_attribute("lang", "ja")
    carla.locator("summary", has_text="数値を表示").click()  # the chart's numbers
    table = carla.locator("figure.chart table").inner_text()
    assert "2026年12月" in table and "12月 2026" not in table
    for path in ("/", "/approvals", "/debits", "/debits/new"):
        carla.goto("/".join(carla.url.split("/", 3)[:3]) + path)
        check(carla)
        # No label squeezed to one character a line: each is at least two characters wide.
        narrow = carla.evaluate("""() => [...document.querySelectorAll('label, th, dt, legend, summary, button')]
            .filter(e => e.offsetParent && e.innerText.trim().length >= 2 && !e.querySelector('.visually-hidden'))
            .filter(e => e.getBoundingClientRect().width < 1.8 * parseFloat(getComputedStyle(e).fontSize))
            .map(e => e.innerText.trim())""")
        assert narrow == [], f"{path}: labels squeezed to one character a line: {narrow}"
    carla.screenshot(path=str(shots / ("debit-form-ja.png" if width == 1280 else "debit-form-ja-phone.png")),
                     full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_statement_journey_from_home_to_the_month_on_screen(api, acme_two_orders, open_page, shots, width):
    """R-STM-1 on screen: home links the latest month; its page has the month's movements and
    each SO's expiry moment, fits a phone and passes axe."""
    api.set_clock("2026-03-20T18:00:00+00:00")
    _debit(acme_two_orders["member"], "25.00", "ENCOR exam, March")
    api.set_clock("2026-04-02T18:00:00+00:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    page = open_page("mike", width)
    page.get_by_role("link", name="Statement for 2026-03").click()
    expect(page.get_by_role("heading", name="Statement of Cisco Learning Credits")).to_be_visible()
    text = _squeeze(page.inner_text("main"))
    assert "ENCOR exam, March" in text and "SO-1001" in text and "Closing balance" in text
    assert "Jan 10, 2027, 12:01 AM" in text  # the moment of expiry (R-EXP-1)
    check(page)
    page.screenshot(path=str(shots / ("statement.png" if width == 1280 else "statement-phone.png")), full_page=True)
