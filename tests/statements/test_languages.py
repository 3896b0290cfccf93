"""Statements and their emails in the company's language and locale (R-STM-1, R-MON-1):
German, Japanese and French texts, and Babel's dates, numbers and amounts for the locale."""
import io

import pypdf
import pytest
from sqlalchemy import select

from clc_ledger.extensions import db
from clc_ledger.money import format_clc, format_usd
from clc_ledger.notifications.models import OutboxMessage
from clc_ledger.statements.context import Formatter
from clc_ledger.statements.csv import render_csv
from clc_ledger.statements.html import render_html
from clc_ledger.statements.pdf import render_pdf

from .helpers import debit, statements_of

NNBSP = "\u202f"  # French groups digits with a narrow no-break space
NBSP = "\u00a0"

CASES = {
    "de_DE": dict(
        country="DE", name="Müller Netzwerke GmbH",
        html=["Kontoauszug Cisco Learning Credits", "Anfangssaldo", "Endsaldo", "Kundenauftrag", "Bewegungen",
              "1.234,50 CLC", f"123.450,00{NBSP}$", "-65,50 CLC", "1. März 2026", "31. März 2026",
              "Credits von DE-1 aktiviert", "Belastung"],
        pdf=["KontoauszugCiscoLearningCredits", "MüllerNetzwerkeGmbH", "1.234,50CLC", "Endsaldo", "1.März2026"],
        subject="Ihr Kontoauszug Cisco Learning Credits für März 2026 – Müller Netzwerke GmbH",
        text=["Anfangssaldo: 0,00 CLC", "Endsaldo: 1.234,50 CLC", "als PDF und CSV bei"],
    ),
    "ja_JP": dict(
        country="JP", name="東京ネットワーク株式会社",
        html=["Cisco Learning Credits 取引明細書", "期首残高", "期末残高", "セールスオーダー", "1,234.50 CLC",
              "$123,450.00", "2026年3月1日", "2026年3月31日", "DE-1のクレジットを有効化", "引き落とし"],
        pdf=["取引明細書", "東京ネットワーク株式会社", "1,234.50CLC", "期末残高", "2026年3月1日"],
        subject="2026年3月のCisco Learning Credits取引明細書 – 東京ネットワーク株式会社",
        text=["期首残高: 0.00 CLC", "期末残高: 1,234.50 CLC", "PDFとCSVで添付"],
    ),
    "fr_FR": dict(
        country="FR", name="Réseaux Dupont SA",
        html=["Relevé de Cisco Learning Credits", "Solde d’ouverture", "Solde de clôture", "Commande client",
              f"1{NNBSP}234,50 CLC", f"123{NNBSP}450,00{NBSP}$US", "1 mars 2026", "31 mars 2026",
              "Crédits de DE-1 activés", "Débit"],
        pdf=["RelevédeCiscoLearningCredits", "RéseauxDupontSA", "234,50CLC", "Soldedeclôture", "1mars2026"],
        subject="Votre relevé de Cisco Learning Credits pour mars 2026 – Réseaux Dupont SA",
        text=["Solde d’ouverture: 0,00 CLC", f"Solde de clôture: 1{NNBSP}234,50 CLC", "formats PDF et CSV"],
    ),
    "en_US": dict(
        country="US", name="Acme Networks",
        html=["Statement of Cisco Learning Credits", "Opening balance", "Closing balance", "1,234.50 CLC",
              "$123,450.00", "March 1, 2026", "March 31, 2026", "Credits of DE-1 activated"],
        pdf=["StatementofCiscoLearningCredits", "AcmeNetworks", "1,234.50CLC", "Closingbalance"],
        subject="Your Cisco Learning Credits statement for March 2026 – Acme Networks",
        text=["Opening balance: 0.00 CLC", "Closing balance: 1,234.50 CLC ($123,450.00)"],
    ),
}


def issue_march(api, locale, country, name):
    api.set_clock("2026-03-02T10:00:00-08:00")
    company = api.company(name=name, locale=locale, country=country)
    member = api.person(f"member-{locale}", "member", company["id"])
    api.sales_order("DE-1", company["id"], "1300.00", booked_on="2026-02-20", invoice_date="2026-02-27")
    api.set_clock("2026-03-10T10:00:00-07:00")
    debit(member, "65.50", "Cisco Live 2026")
    api.set_clock("2026-04-01T06:00:00-07:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    return company, statements_of(company["id"])["2026-03"]


@pytest.mark.parametrize("locale", list(CASES))
def test_the_statement_speaks_the_company_language_and_formats(api, locale):
    case = CASES[locale]
    company, statement = issue_march(api, locale, case["country"], case["name"])
    assert statement.closing_balance == 123450

    html = render_html(statement)
    for expected in case["html"]:
        assert expected in html, expected

    reader = pypdf.PdfReader(io.BytesIO(render_pdf(statement)))
    # pypdf puts a NUL before each character of fpdf2's CID-keyed CJK font (poppler does not).
    flat = "".join("".join(page.extract_text() for page in reader.pages).replace("\x00", "").split())
    for expected in case["pdf"]:
        assert expected in flat, (expected, flat[:400])

    db.session.rollback()
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == f"statement:{company['id']}:2026-03"))
    assert message.subject == case["subject"]
    for expected in case["text"]:
        assert expected in message.text_body, (expected, message.text_body)
    assert case["html"][0] in message.html_body

    # The CSV: exact amounts without grouping, in the form a spreadsheet of the locale reads.
    text = render_csv(statement).decode("utf-8-sig")
    if locale in ("de_DE", "fr_FR"):
        assert ";-65,50;1234,50;-6550,00;123450,00" in text, text
    else:
        assert "2026-03-10," in text and ",-65.50,1234.50,-6550.00,123450.00" in text, text


def test_a_locale_without_a_translation_gets_english_text_with_its_own_formats(api):
    _company, statement = issue_march(api, "pt_BR", "BR", "Redes Silva Ltda")
    html = render_html(statement)
    assert "Statement of Cisco Learning Credits" in html
    assert "1.234,50 CLC" in html and "1 de março de 2026" in html


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "ja_JP", "pt_BR", "en_IN", "de_CH", "nl_NL", "ar_EG",
                                    "he_IL", "sv_SE", "hi_IN"])
def test_the_statement_formatter_writes_every_amount_as_babel_does(locale):
    # It asks Babel once per shape of amount (sign, number of digits) and fills in the digits.
    fmt = Formatter(locale)
    for hundredths in (0, 1, -1, 5, 99, 100, -100, 1234, -6550, 123450, 1_000_000_07, -10**12, 10**15):
        assert fmt.clc(hundredths) == format_clc(hundredths, locale), hundredths
        assert fmt.usd(hundredths) == format_usd(hundredths, locale), hundredths
