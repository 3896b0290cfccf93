"""The statements API: JSON, PDF and CSV, and who may read which (R-ACC-3, R-ACC-4)."""
import csv
import io
from decimal import Decimal

import pypdf
import pytest

from .helpers import History


@pytest.fixture
def issued(api, history):
    api.set_clock("2026-04-01T06:00:00-07:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    return history


def test_company_people_list_their_statements_newest_first(issued):
    response = issued.member.get(f"/api/v1/companies/{issued.id}/statements")
    assert response.status_code == 200
    statements = response.get_json()["statements"]
    assert [s["period"] for s in statements] == ["2026-03", "2026-02", "2026-01"]
    assert statements[0]["opening_balance"] == "87.50" and statements[0]["closing_balance"] == "107.24"
    assert statements[0]["closing_balance_usd"] == "10724.00"


def test_the_statement_as_json(issued):
    response = issued.observer.get(f"/api/v1/companies/{issued.id}/statements/2026-03")
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"] == "2026-03"
    assert (body["opening_balance"], body["closing_balance"]) == ("87.50", "107.24")
    assert (body["period_start"], body["period_end"]) == ("2026-03-01", "2026-03-31")
    assert [(e["date"], e["kind"], e["so_number"], e["amount"], e["running_balance"]) for e in body["entries"]] == [
        ("2026-03-05", "activation", issued.so2, "50.00", "137.50"),
        ("2026-03-09", "debit", issued.so1, "-30.25", "107.25"),
        ("2026-03-31", "debit", issued.so1, "-0.01", "107.24"),
    ]
    assert body["entries"][1]["description"].endswith("Automation bootcamp seat")
    assert body["entries"][1]["amount_usd"] == "-3025.00"
    sales_orders = {so["so_number"]: so for so in body["sales_orders"]}
    assert sales_orders[issued.so1] == {
        "so_number": issued.so1, "status": "active", "balance": "57.24", "balance_usd": "5724.00", "held": "0.00",
        "available": "57.24", "expires_on": "2027-01-10", "days_left": 285, "expiring_soon": False}
    assert sales_orders[issued.so2]["balance"] == "50.00"


def test_the_statement_as_pdf_and_csv_files(issued):
    pdf = issued.captain.get(f"/api/v1/companies/{issued.id}/statements/2026-03.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="clc-statement-{issued.id}-2026-03.pdf"'
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "AcmeNetworks" in "".join(text.split())

    response = issued.member.get(f"/api/v1/companies/{issued.id}/statements/2026-03.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="clc-statement-{issued.id}-2026-03.csv"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert sum(Decimal(row["Amount (CLC)"]) for row in rows) == Decimal("107.24") - Decimal("87.50")


def test_admins_read_any_company_statements(api, issued):
    assert api.admin.get(f"/api/v1/companies/{issued.id}/statements/2026-01").status_code == 200
    assert api.admin.get(f"/api/v1/companies/{issued.id}/statements/2026-01.csv").status_code == 200


@pytest.mark.parametrize("suffix", ["", "/2026-03", "/2026-03.pdf", "/2026-03.csv"])
def test_another_company_statements_answer_404_like_absent_ones(api, issued, suffix):
    other = History(api, name="Other Corp", prefix="OTH")
    response = other.captain.get(f"/api/v1/companies/{issued.id}/statements{suffix}")
    assert response.status_code == 404
    absent = other.captain.get(f"/api/v1/companies/999999/statements{suffix}")
    assert absent.status_code == 404
    assert response.get_json()["message"] == absent.get_json()["message"]


@pytest.mark.parametrize("period", ["2026-04", "2025-12", "2026-13", "2026-3x", "26-03-1"])
def test_a_month_without_statement_or_not_a_month_is_404(issued, period):
    for suffix in ("", ".pdf", ".csv"):
        assert issued.member.get(f"/api/v1/companies/{issued.id}/statements/{period}{suffix}").status_code == 404


def test_without_a_token_401_and_before_the_terms_403(api, issued):
    assert api.client.get(f"/api/v1/companies/{issued.id}/statements").status_code == 401
    assert api.client.get(f"/api/v1/companies/{issued.id}/statements/2026-03.pdf").status_code == 401
    newcomer = api.person("newcomer", "observer", issued.id, accept_terms=False)
    for suffix in ("", "/2026-03", "/2026-03.pdf", "/2026-03.csv"):
        assert newcomer.get(f"/api/v1/companies/{issued.id}/statements{suffix}").status_code == 403


def test_the_statements_endpoints_are_in_the_openapi_document(api):
    spec = api.client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/companies/{company_id}/statements" in spec["paths"]
    assert "/api/v1/companies/{company_id}/statements/{period}.pdf" in spec["paths"]
