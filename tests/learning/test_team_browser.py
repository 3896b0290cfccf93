"""The team view in Debian's chromium at 1280 and 390 px (R-TEAM-1): filter and sort, the
forecast's charts drawn, the specialization panel; axe-core finds no violation and nothing is
wider than the screen."""
import pytest

from tests.web.test_browser_journeys import check

from .conftest import certify
from .test_browser import chromium, live_url, page_for, pytestmark  # noqa: F401  (fixtures, marks)
from .test_specializations import points, specialize


@pytest.mark.parametrize("width", [1280, 390])
def test_the_team_view_at_each_width(api, roster, catalog, page_for, width):  # noqa: F811
    carla, company = roster["carla"], roster["company"]["id"]
    certify(carla, roster["pat"]["id"], earned_on="2024-03-01")
    certify(carla, roster["quinn"]["id"], name="CCNA", level="associate", earned_on="2023-08-15")
    security = specialize(carla, company, "Security", approved_on="2025-09-01")
    item = catalog["item"]("KS-1", 1, "knowledge_session", points=20, specializations=["Security"])
    points(carla, security["id"], roster["quinn"]["id"], item["id"], "2026-06-01")
    open_as, url = page_for
    page = open_as("carla", width)
    page.goto(f"{url}/learning/team")
    assert page.get_by_role("heading", name="Team learning").is_visible()
    check(page)
    charts = page.locator("figure.chart img")
    assert charts.count() == 2
    page.wait_for_function("[...document.querySelectorAll('figure.chart img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("progress#points-%d" % security["id"]).get_attribute("value") == "20"
    page.get_by_label("Sort by days left").select_option("desc")
    page.get_by_role("button", name="Show").first.click()
    page.wait_for_url("**order=desc**")
    first_row = page.locator("table.team-rows tbody tr").first
    assert "CCNP Enterprise" in first_row.inner_text()
    check(page)
    page.get_by_label("Status").select_option("at_risk")
    page.get_by_role("button", name="Show").first.click()
    page.wait_for_url("**status=at_risk**")
    assert page.locator("table.team-rows tbody tr").count() == 1
    page.get_by_label("Name", exact=True).fill("Collaboration")
    page.get_by_label("Type").select_option("technology")
    page.get_by_label("Approved on").fill("2026-01-15")
    page.get_by_role("button", name="Add the specialization").click()
    page.wait_for_url("**/learning/team**")
    assert page.get_by_text("0 of 80 points").is_visible()
    check(page)
