"""CSV and PDF exports of the team view (R-TEAM-1), and specialization renewals in the
company calendar feed: a member sees only their own rows; another company 404."""
import csv
import io
from datetime import date

from icalendar import Calendar
from pypdf import PdfReader

from .conftest import certify
from .test_specializations import specialize


def test_csv_and_pdf_carry_the_rows_the_viewer_may_see(api, roster):
    carla, company = roster["carla"], roster["company"]["id"]
    certify(carla, roster["pat"]["id"], earned_on="2024-03-01")
    certify(carla, roster["quinn"]["id"], name="CCNA", level="associate", earned_on="2023-09-01")
    specialize(carla, company, "Security")
    response = carla.get(f"/api/v1/companies/{company}/learning.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0][:3] == ["person", "certification", "level"]
    assert [line[:2] for line in lines[1:3]] == [["Quinn", "CCNA"], ["Pat", "CCNP Enterprise"]]  # soonest first
    assert lines[2][4:7] == ["2027-03-01", "259", "80"]
    assert ["Security", "architecture", "2026-09-01", "2025-09-01", "0", "100", "100"] in lines
    mine = list(csv.reader(io.StringIO(roster["mo"].get(f"/api/v1/companies/{company}/learning.csv")
                                       .data.decode("utf-8-sig"))))
    assert [line[0] for line in mine[1:] if line] == ["Pat"]  # a member: only their row, no panel
    pdf = carla.get(f"/api/v1/companies/{company}/learning.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Acme Networks" in text and "CCNP Enterprise" in text and "Quinn" in text and "Security" in text
    other = api.company("Globex Corp")
    gina = api.person("gina", "captain", other["id"])
    assert gina.get(f"/api/v1/companies/{company}/learning.csv").status_code == 404
    assert gina.get(f"/api/v1/companies/{company}/learning.pdf").status_code == 404


def test_the_company_calendar_feed_includes_specialization_renewals(api, client, roster):
    carla, company = roster["carla"], roster["company"]["id"]
    specialize(carla, company, "Security", approved_on="2025-09-01")
    token = carla.post(f"/api/v1/companies/{company}/calendar-token").get_json()["token"]
    feed = Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
    events = {str(event["summary"]): event for event in feed.walk("VEVENT")}
    assert events["Security specialization renewal due"].decoded("dtstart") == date(2026, 9, 1)


def test_the_pdf_shows_names_in_the_script_they_are_written_in(api, roster):
    """The statements' choice of font (statements/fonts.py): a name the core font cannot
    show embeds the font that can, instead of coming out as question marks."""
    carla, company = roster["carla"], roster["company"]["id"]
    certify(carla, roster["person"]("山田花子")["id"], earned_on="2024-03-01")
    certify(carla, roster["person"]("Dvořák")["id"], earned_on="2024-03-01")
    specialize(carla, company, "セキュリティ")
    pdf = carla.get(f"/api/v1/companies/{company}/learning.pdf")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).replace("\x00", "")
    assert "山田花子" in text and "Dvořák" in text and "セキュリティ" in text and "?" not in text
