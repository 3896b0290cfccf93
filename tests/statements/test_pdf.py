"""The statement PDF's layout (R-STM-1): long texts wrap inside their column, a month of many
entries runs over several pages with the movements' header on each, nothing is lost; the
core font when it can show every text, an embedded one (Japanese included) when it cannot."""
import io
import re
from pathlib import Path

import pypdf
import pytest
from fpdf.fonts import CORE_FONTS_CHARWIDTHS

from clc_ledger.statements import fonts, pdf_blocks
from clc_ledger.statements.pdf import render_pdf

from .helpers import debit, statements_of

MM = 72 / 25.4  # points per millimetre
LONG_WORD = "REF-" + "0123456789" * 6  # wider than the description column: broken inside
LONG_DESCRIPTION = ("Cisco Live Amsterdam 2026 full conference pass with the CCIE lab prep bootcamp, "
                    "two exam vouchers and the guided study group for the whole network team " + LONG_WORD)


def issue_march(api, *, name, locale="en_US", country="US", debits=()):
    api.set_clock("2026-03-02T10:00:00-08:00")
    company = api.company(name=name, locale=locale, country=country)
    member = api.person(f"member-{company['id']}", "member", company["id"])
    api.sales_order(f"PDF-{company['id']}", company["id"], "5000.00", booked_on="2026-02-20",
                    invoice_date="2026-02-27")
    api.set_clock("2026-03-10T10:00:00-07:00")
    for amount, description in debits:
        debit(member, amount, description)
    api.set_clock("2026-04-01T06:00:00-07:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    return statements_of(company["id"])["2026-03"]


def text_runs(pdf_bytes):
    """[(page number, text, x, y, width)] in points, for the core font's texts."""
    runs = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages):
        def visit(text, _cm, tm, font, size, number=number):
            text = text.strip()  # pypdf adds a space before some runs
            if text:
                widths = CORE_FONTS_CHARWIDTHS["helveticaB" if "Bold" in font["/BaseFont"] else "helvetica"]
                runs.append((number, text, tm[4], tm[5], sum(widths[char] for char in text) * size / 1000))
        page.extract_text(visitor_text=visit)
    return runs


def flat(pdf_bytes):
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    # pypdf puts a NUL before each character of fpdf2's CID-keyed CJK font (poppler does not).
    return "".join("".join(page.extract_text() for page in reader.pages).replace("\x00", "").split())


def font_names(pdf_bytes):
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages:
        names |= {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    return names


def test_a_long_description_wraps_inside_its_column_and_many_entries_run_over_pages(api):
    debits = [(f"{number}.00", f"Course {number}") for number in range(1, 50)] + [("7.50", LONG_DESCRIPTION)]
    statement = issue_march(api, name="Verbose Networks", debits=debits)
    pdf = render_pdf(statement)
    runs = text_runs(pdf)
    pages = {page for page, *_ in runs}
    assert len(pages) >= 3

    # Every run is on the page, within the margins, above the bottom margin.
    for _page, text, x, y, width in runs:
        assert 10 * MM - 0.5 <= x and x + width <= 200 * MM + 0.5, text
        assert y >= 15 * MM or re.fullmatch(r"Page \d+ of \d+", text), text  # the footer sits in the margin

    # The movements' header opens each page the table runs onto, above its rows.
    headers = {page: y for page, text, _x, y, _width in runs if text == "Running balance"}
    top_rows = {}
    for page, text, _x, y, _width in runs:
        if "Course" in text:
            top_rows[page] = max(y, top_rows.get(page, 0))
    assert len(top_rows) >= 2
    assert all(page in headers and headers[page] > y for page, y in top_rows.items())

    # The long description: every line inside the description column, nothing lost.
    [(_page, _text, column_x, _y, _width)] = [run for run in runs if run[1] == "Description"][:1]
    column_right = column_x + (pdf_blocks.MOVEMENT_COLUMNS[3].width - 2) * MM
    lines = [run for run in runs if run[2] == column_x and len(run[1]) > 3 and run[1] in LONG_DESCRIPTION]
    assert len(lines) >= 4  # the words wrap, and the long reference is broken inside
    assert all(x + width <= column_right + 0.5 for _page, _text, x, _y, width in lines)
    text = flat(pdf)
    assert "".join(LONG_DESCRIPTION.split()) in text

    # Nothing lost: every entry, in order, with its running balance.
    balances = [entry["running_balance"] for entry in statement.content["entries"]]
    assert len(balances) == 51
    position = 0
    for balance in balances:
        position = text.index(f"{balance // 100:,}.{balance % 100:02d}CLC", position)
    assert "Salesordersattheendoftheperiod" in text and "1CLC=100USD" in text


def test_a_latin_statement_uses_the_core_font_and_embeds_none(api):
    statement = issue_march(api, name="Müller Netzwerke GmbH", locale="de_DE", country="DE",
                            debits=[("10.00", "Prüfungsgutschein – CCNA")])
    pdf = render_pdf(statement)
    assert font_names(pdf) <= {"/Helvetica", "/Helvetica-Bold"}
    assert "MüllerNetzwerkeGmbH" in flat(pdf) and "Prüfungsgutschein-CCNA" in flat(pdf)


def test_a_text_beyond_latin_1_has_a_unicode_font_embedded(api):
    if not any(Path(regular).is_file() for regular, _bold, _index in fonts.CHAIN):
        pytest.skip("no Unicode font installed")
    statement = issue_march(api, name="Sieci Łódź Sp. z o.o.", locale="pl_PL", country="PL",
                            debits=[("10.00", "Szkolenie – Kraków")])
    pdf = render_pdf(statement)
    assert not font_names(pdf) & {"/Helvetica", "/Helvetica-Bold"}
    assert "SieciŁódźSp.zo.o." in flat(pdf) and "Szkolenie–Kraków" in flat(pdf)


def test_a_japanese_company_pdf_shows_japanese_wrapped_in_its_column(api):
    if not any(Path(regular).is_file() for regular, _bold, _index in fonts.CHAIN if "CJK" in regular):
        pytest.skip("no CJK font installed")
    description = "東京本社ネットワーク運用チームのための認定試験準備講座と演習ラボの受講料一式" * 2
    statement = issue_march(api, name="東京ネットワーク株式会社", locale="ja_JP", country="JP",
                            debits=[("12.00", description)])
    pdf = render_pdf(statement)
    assert any("CJK" in name for name in font_names(pdf))
    text = flat(pdf)
    for expected in ("取引明細書", "東京ネットワーク株式会社", "期末残高", "引き落とし", description):
        assert expected in text, expected
