"""A month's statement on screen (R-STM-1): linked from home and from the list, the numbers
of its PDF, in the reader's language; another company's answers 404 (R-ACC-4)."""
import io
import re

import pypdf

from clc_ledger.statements.pdf import render_pdf
from tests.statements.helpers import statements_of
from tests.statements.test_words import german_march


def visible_text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_statement_page_shows_the_numbers_of_the_pdf(api, browser):
    company, statement = german_march(api)
    reader = browser("kapitaen")
    home = reader.get("/").get_data(as_text=True)
    link = f"/companies/{company['id']}/statements/2026-03"
    assert f'href="{link}"' in home
    page = reader.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = visible_text(html)
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_pdf(statement))).pages)
    pdf_text = " ".join(pdf.split())
    # Every amount of the statement, as the PDF writes it, is on the page too.
    amounts = set(re.findall(r"-?[\d.]+,\d\d CLC", pdf_text))
    assert len(amounts) >= 5
    for amount in amounts:
        assert amount in text, amount
    assert "Kontoauszug Cisco Learning Credits" in text and "Endsaldo" in text  # German, the reader's
    assert f'href="{link}.pdf"' in html and f'href="{link}.csv"' in html
    listing = reader.get("/statements").get_data(as_text=True)
    assert f'href="{link}"' in listing


def test_another_companys_statement_page_is_not_found(api, browser):
    company, _statement = german_march(api)
    other = api.company("Other Co")
    api.person("olga", "captain", other["id"])
    assert browser("olga").get(f"/companies/{company['id']}/statements/2026-03").status_code == 404
    assert statements_of(company["id"])
