"""The statement email as it arrives over SMTP (R-STM-1, R-NOT-2): who gets it, the HTML,
a PDF that parses and a CSV whose rows sum to the month's movements; once per month."""
import csv
import io
from decimal import Decimal

import pypdf


def run(api, job, iso):
    api.set_clock(iso)
    response = api.admin.post(f"/api/v1/jobs/{job}/run")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def test_the_statement_arrives_with_its_pdf_and_csv_and_only_once(api, history, smtp):
    run(api, "monthly-statements", "2026-04-01T06:00:00-07:00")
    run(api, "deliver-outbox", "2026-04-01T06:01:00-07:00")
    run(api, "monthly-statements", "2026-04-01T07:00:00-07:00")  # a second scheduler, a restart...
    run(api, "deliver-outbox", "2026-04-01T07:01:00-07:00")

    statements = [m for m in smtp.messages if "statement" in m["Subject"]]
    assert sorted(m["Subject"] for m in statements) == sorted(
        f"Your Cisco Learning Credits statement for {month} 2026 – Acme Networks"
        for month in ("January", "February", "March"))
    [march] = [m for m in statements if "March" in m["Subject"]]
    assert sorted(address.lower() for address in march["To"].split(", ")) == [
        "finance@acme.example", "so-captain@example.com", "so-observer@example.com"]
    assert "so-member@example.com" not in march["To"].lower()

    html = march.get_body(preferencelist=("html",)).get_content()
    assert "107.24 CLC" in html and "$10,724.00" in html
    attachments = {part.get_filename(): part for part in march.iter_attachments()}
    pdf = attachments[f"clc-statement-{history.id}-2026-03.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "AcmeNetworks" in "".join(text.split())
    csv_part = attachments[f"clc-statement-{history.id}-2026-03.csv"]
    assert csv_part.get_content_type() == "text/csv"
    content = csv_part.get_content()
    content = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert sum(Decimal(row["Amount (CLC)"]) for row in rows) == Decimal("107.24") - Decimal("87.50")
