"""The statement PDF holds real data (R-STM-1, R-TXT-2): a row taller than a page goes on
over the next pages under a repeated header, pages say "x of y", the held credits are a
table, and names and descriptions in Thai, Devanagari, Arabic, Hebrew, Cyrillic and Greek
are drawn with glyphs of the embedded fonts."""
import io
import logging
import re

import pypdf
import pytest
from fontTools.ttLib import TTFont

from clc_ledger.statements.pdf import render_pdf

from .helpers import debit, statements_of

A4_HEIGHT_PT = 841.89


def issue(api, *, name, country, locale, description, pending=None):
    api.set_clock("2026-03-02T10:00:00-08:00")
    company = api.company(name=name, country=country, locale=locale, approval=pending is not None)
    member = api.person(f"m-{country.lower()}", "member", company["id"])
    api.sales_order(f"{country}-1", company["id"], "1300.00", booked_on="2026-02-20", invoice_date="2026-02-27")
    api.set_clock("2026-03-10T10:00:00-07:00")
    posted = debit(member, "65.50", description)
    if pending is not None:
        captain = api.person(f"c-{country.lower()}", "captain", company["id"])
        assert captain.post(f"/api/v1/debits/{posted['id']}/approve").status_code == 200
        debit(member, "12.00", pending)
    api.set_clock("2026-04-01T06:00:00-07:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    return statements_of(company["id"])["2026-03"]


def text_positions(reader):
    """[(page number, text, y in points from the bottom)] of everything drawn."""
    found = []
    for number, page in enumerate(reader.pages, 1):
        def visit(text, cm, tm, font_dict, font_size, number=number):
            if text.strip():
                found.append((number, text.strip(), tm[5] * cm[3] + cm[5]))
        page.extract_text(visitor_text=visit)
    return found


def test_a_description_of_100_lines_runs_over_pages_and_loses_none(api):
    lines = [f"Z{n:03d}" for n in range(100)]  # 499 characters, the most a description may have
    statement = issue(api, name="Müller GmbH", country="DE", locale="de_DE", description="\n".join(lines),
                      pending="\n".join(lines[:60]))
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(statement)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for line in lines:
        assert text.count(line) >= (2 if line < "Z060" else 1), line  # movements; held table
    positions = text_positions(reader)
    assert positions and all(15 < y < A4_HEIGHT_PT - 15 for _page, _text, y in positions), \
        [p for p in positions if not 15 < p[2] < A4_HEIGHT_PT - 15][:5]
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, 1):
        page_text = page.extract_text()
        assert f"Seite {number} von {pages}" in page_text, page_text[-80:]
    # The header is repeated on each page the movements run onto, and page 1 is not left empty.
    assert "Z000" in reader.pages[0].extract_text()
    assert all("Beschreibung" in page.extract_text() for page in reader.pages[1:])


def test_held_credits_are_a_table(api):
    statement = issue(api, name="Acme", country="US", locale="en_US", description="Course",
                      pending="Two seats of ENCOR")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render_pdf(statement))).pages)
    section = text.split("Reservations for pending debits (not part of the balance)", 1)[1]
    assert section.lstrip().startswith("Date Type Sales order Description Amount"), section[:120]
    assert "Two seats of ENCOR" in section and "-12.00 CLC" in section


def embedded_characters(pdf_bytes):
    """{font name: the characters its ToUnicode map gives its glyphs}, checking that every
    glyph named there exists in the embedded font program."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    shown = {}
    for name, font in fonts.items():
        if "/ToUnicode" not in font:
            continue
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        if "/FontFile2" in descriptor:  # TrueType outlines
            glyphs = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())).getGlyphOrder()
            to_gid = descendant["/CIDToGIDMap"].get_object().get_data()
        else:  # CFF outlines (the CJK face): CIDs are the glyphs of the embedded program
            assert len(descriptor["/FontFile3"].get_object().get_data()) > 0
            glyphs, to_gid = None, None
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        chars = set()
        for cid, target in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap):
            cid = int(cid, 16)
            if to_gid is None:
                gid = cid
            else:
                gid = int.from_bytes(to_gid[2 * cid:2 * cid + 2], "big") if 2 * cid + 2 <= len(to_gid) else 0
            if gid == 0:  # .notdef: drawn as an empty box, not a glyph
                continue
            assert glyphs is None or gid < len(glyphs), (name, cid, gid)
            chars |= set(bytes.fromhex(target).decode("utf-16-be"))
        shown[str(name)] = chars
    return shown


SCRIPTS = {
    "Thai": ("TH", "th_TH", "บริษัท สยาม เน็ตเวิร์ค จำกัด", "หลักสูตร CCNA สำหรับทีมงาน"),
    "Devanagari": ("IN", "hi_IN", "भारत नेटवर्क प्राइवेट लिमिटेड", "टीम के लिए सीसीएनए पाठ्यक्रम"),
    "Arabic": ("AE", "ar_AE", "شركة الشبكات العربية", "دورة تدريبية للفريق"),
    "Hebrew": ("IL", "he_IL", "רשתות ישראל בע״מ", "קורס הכשרה לצוות"),
    "Cyrillic": ("BG", "bg_BG", "Мрежи България ООД", "Курс за обучение на екипа"),
    "Greek": ("GR", "el_GR", "Δίκτυα Ελλάδας ΑΕ", "Εκπαιδευτικό σεμινάριο για την ομάδα"),
}


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_names_and_descriptions_in_every_script_have_glyphs(api, caplog, script):
    country, locale, name, description = SCRIPTS[script]
    statement = issue(api, name=name, country=country, locale=locale, description=description)
    with caplog.at_level(logging.WARNING, logger="clc_ledger.statements.fonts"):
        pdf = render_pdf(statement)
    assert not [r for r in caplog.records if r.name == "clc_ledger.statements.fonts"], caplog.text
    shown = set().union(*embedded_characters(pdf).values())
    for text in (name, description):
        wanted = {char for char in text if not char.isspace()}
        assert wanted <= shown, (script, sorted(wanted - shown))


def test_a_character_no_font_has_is_logged(api, caplog):
    statement = issue(api, name="Acme \U0001F9FF\U00013000", country="US", locale="en_US", description="Course")
    with caplog.at_level(logging.WARNING, logger="clc_ledger.statements.fonts"):
        render_pdf(statement)
    assert "U+13000" in caplog.text


def test_japanese_documents_one_after_another_each_show_their_own_glyphs(api):
    # The CJK face is cut once into a working font of the glyphs needed so far; a document
    # with new ones makes it again (statements/fonts.py). Each PDF still shows its own text.
    first = issue(api, name="東京ネットワーク株式会社", country="JP", locale="ja_JP", description="研修コース")
    second = issue(api, name="大阪通信機器合同会社", country="KR", locale="ja_JP", description="試験対策講座の受講料")
    for statement, name, description in ((first, "東京ネットワーク株式会社", "研修コース"),
                                         (second, "大阪通信機器合同会社", "試験対策講座の受講料"),
                                         (first, "東京ネットワーク株式会社", "研修コース")):
        pdf = render_pdf(statement)
        text = "".join("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "").split())
        assert name in text and description in text, (name, text[:200])
        shown = set().union(*embedded_characters(pdf).values())
        assert set(name + description) <= shown


def test_a_japanese_pdf_embeds_one_cjk_face_and_draws_its_bold_by_stroking(api):
    statement = issue(api, name="東京ネットワーク株式会社", country="JP", locale="ja_JP", description="研修コース")
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(statement)))
    names = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert len(names) == 1 and "CJK" in next(iter(names)), names
    stream = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert " 2 Tr " in stream  # headings: filled and stroked
    # After a bold, the render mode goes back to "fill" before regular text.
    assert re.search(r"2 Tr .*?BT 0 Tr ET", stream, re.S)
