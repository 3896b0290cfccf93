"""The team view page (R-TEAM-1): rows filtered and sorted by days left, the forecast with its
reasons and charts, spend and yield, the specialization panel; a member sees only their rows."""
import pytest

from .conftest import certify
from .test_pages import signed_in  # noqa: F401  (fixture)
from .test_specializations import points, specialize


@pytest.fixture
def team(api, roster, catalog):
    carla, company = roster["carla"], roster["company"]["id"]
    certify(carla, roster["pat"]["id"], earned_on="2024-03-01")  # 2027-03-01
    certify(carla, roster["quinn"]["id"], name="CCNA", level="associate", earned_on="2023-08-15")  # 2026-08-15
    security = specialize(carla, company, "Security", approved_on="2025-09-01")
    item = catalog["item"]("KS-1", 1, "knowledge_session", points=20, specializations=["Security"])
    points(carla, security["id"], roster["quinn"]["id"], item["id"], "2026-06-01")
    return roster


def test_the_team_page_filters_sorts_and_explains(team, signed_in):  # noqa: F811
    carla = signed_in("carla")
    page = carla.get("/learning/team").get_data(as_text=True)
    assert page.index("CCNA") < page.index("CCNP Enterprise")  # fewest days left first
    assert "no plan" in page and "20 of 100 points" in page and "Quinn (20)" in page
    assert "CLC spent on credit-bearing training" in page
    descending = carla.get("/learning/team?order=desc").get_data(as_text=True)
    assert descending.index("CCNP Enterprise") < descending.index("<td data-label=\"Certification\">CCNA")
    filtered = carla.get("/learning/team?status=at_risk&within_days=90").get_data(as_text=True)
    rows = filtered.split('class="stack team-rows"')[1].split("</table>")[0]
    assert "CCNA" in rows and "CCNP Enterprise" not in rows
    svg = carla.get("/learning/charts/certifications.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<script" not in svg.data
    assert carla.get("/learning/team.csv").data.decode("utf-8-sig").startswith("person,certification")
    assert carla.get("/learning/team.pdf").data.startswith(b"%PDF")


def test_a_member_sees_only_their_rows_and_no_company_figures(team, signed_in):  # noqa: F811
    page = signed_in("mo").get("/learning/team").get_data(as_text=True)
    assert "CCNP Enterprise" in page and "CCNA" not in page
    assert "Spend and yield" not in page and "Security" not in page


def test_a_captain_adds_a_specialization_from_the_page(team, signed_in):  # noqa: F811
    carla = signed_in("carla")
    added = carla.submit("/learning/team", "/learning/specializations",
                         {"name": "Collaboration", "type": "technology", "approved_on": "2026-01-15"})
    assert added.status_code == 302
    page = carla.get("/learning/team").get_data(as_text=True)
    assert "Collaboration" in page and "0 of 80 points" in page
