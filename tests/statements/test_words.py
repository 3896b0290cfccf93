"""Ledger descriptions are data, worded when shown (R-TXT-1), and the CSV is one a
spreadsheet of the company's locale opens as it should (R-STM-1, R-TXT-2)."""
import csv
import io
import re
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import select

from clc_ledger.accounts.models import Company
from clc_ledger.extensions import db
from clc_ledger.i18n import in_locale
from clc_ledger.ledger.entries import record_entry
from clc_ledger.ledger.models import LedgerEntry, SalesOrder
from clc_ledger.ledger.notes import parse_legacy
from clc_ledger.ledger.verify import verify_ledger
from clc_ledger.statements.context import Formatter, description
from clc_ledger.statements.csv import neutralise, render_csv
from clc_ledger.statements.html import render_html
from clc_ledger.statements.pdf import render_pdf

from .helpers import debit, statements_of

# What the English ledger sentences are made of; none may reach a German reader.
ENGLISH = re.compile(r"\b(Debit|Credits of|activated|expired|approved|rejected|cancelled|Reissue[ds]?|Dispute|"
                     r"upheld|reversed|Released|automatically)\b")


def german_march(api):
    """A de_DE company whose March holds every kind of entry a debit's life writes, and
    one entry written the old way, with an English sentence."""
    api.set_clock("2026-03-02T10:00:00-08:00")
    company = api.company(name="Müller Netzwerke GmbH", locale="de_DE", country="DE", approval=True)
    captain = api.person("kapitaen", "captain", company["id"])
    second = api.person("zweite", "captain", company["id"])
    member = api.person("mitglied", "member", company["id"])
    api.sales_order("DE-1", company["id"], "1300.00", booked_on="2026-02-20", invoice_date="2026-02-27")
    api.sales_order("DE-OLD", company["id"], "20.00", booked_on="2025-03-01", invoice_date="2025-03-10")
    api.set_clock("2026-03-10T10:00:00-07:00")
    approved = debit(member, "65.50", "Cisco Live 2026")
    assert captain.post(f"/api/v1/debits/{approved['id']}/approve").status_code == 200
    rejected = debit(member, "10.00", "=HYPERLINK(\"http://evil\")")
    assert captain.post(f"/api/v1/debits/{rejected['id']}/reject", json={"reason": "Kein Budget"}).status_code == 200
    cancelled = debit(member, "5.00", "CCNA Kurs")
    assert member.post(f"/api/v1/debits/{cancelled['id']}/cancel").status_code == 200
    disputed = debit(member, "7.00", "Prüfung")
    assert second.post(f"/api/v1/debits/{disputed['id']}/approve").status_code == 200
    dispute = captain.post(f"/api/v1/debits/{disputed['id']}/disputes", json={"reason": "Doppelt"}).get_json()
    assert api.admin.post(f"/api/v1/disputes/{dispute['id']}/resolve",
                          json={"outcome": "upheld", "note": "ok"}).status_code == 200
    assert api.admin.post("/api/v1/jobs/expire-credits/run").status_code == 200  # DE-OLD expired on 2026-03-10
    # An entry from before notes: its English sentence is read back as data.
    db.session.rollback()
    row = db.session.get(Company, company["id"])
    sales_order = db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == "DE-1"))
    record_entry(row, sales_order, "reversal", 100, description=f"Dispute #{dispute['id']} upheld: debit #{disputed['id']} reversed")
    db.session.commit()
    api.set_clock("2026-04-01T06:00:00-07:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    return company, statements_of(company["id"])["2026-03"]


def test_a_german_statement_has_no_english_ledger_description(api):
    company, statement = german_march(api)
    kinds = {line["kind"] for line in statement.content["entries"]}
    assert {"activation", "debit", "reversal", "expiry"} <= kinds, kinds
    html = render_html(statement)
    with in_locale("de_DE"):
        texts = [description(line, Formatter("de_DE"))
                 for line in statement.content["entries"] + statement.content["reservations"]]
    assert all(not ENGLISH.search(text) for text in texts), texts
    assert any(t.startswith("Belastung Nr.") and t.endswith("genehmigt: Cisco Live 2026") for t in texts), texts
    assert any("stattgegeben" in t for t in texts) and any("verfallen" in t for t in texts), texts
    assert any(t.endswith("abgelehnt: Kein Budget") for t in texts), texts
    assert not ENGLISH.search(html.split("<body", 1)[1]), ENGLISH.search(html.split("<body", 1)[1])
    pdf = pypdf.PdfReader(io.BytesIO(render_pdf(statement)))
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    assert not ENGLISH.search(pdf_text), ENGLISH.search(pdf_text)
    csv_text = render_csv(statement).decode("utf-8-sig")
    assert not ENGLISH.search(csv_text), ENGLISH.search(csv_text)
    # The API words the same entries in its reader's language, and gives the data beside.
    captain = api.login("kapitaen")
    entries = captain.get(f"/api/v1/companies/{company['id']}/ledger",
                          headers={"Accept-Language": "de"}).get_json()["entries"]
    assert all(not ENGLISH.search(entry["description"]) for entry in entries), entries
    assert {entry["note"] for entry in entries} >= {"activated", "debit_approved", "dispute_upheld", "expired"}
    assert verify_ledger() is None  # notes are in the hash; the old entry's hash is unchanged


def test_the_german_csv_opens_with_localized_headers_and_amounts(api):
    _company, statement = german_march(api)
    data = render_csv(statement)
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with its byte-order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Datum", "Art", "Kundenauftrag", "Beschreibung", "Betrag (CLC)", "Saldo (CLC)",
                       "Betrag (USD)", "Saldo (USD)"]
    body = [dict(zip(rows[0], row)) for row in rows[1:]]

    def number(text):
        return Decimal(text.replace(",", "."))

    total = sum(number(row["Betrag (CLC)"]) for row in body)
    opening, closing = statement.content["opening_balance"], statement.content["closing_balance"]
    assert total == Decimal(closing - opening) / 100
    assert body[-1]["Saldo (CLC)"] == f"{closing // 100},{closing % 100:02d}"


def test_text_a_spreadsheet_would_run_is_neutralised():
    assert neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    for start in "=+-@\t\r":
        assert neutralise(start + "1") == "'" + start + "1"
    assert neutralise("Kurs -1") == "Kurs -1"


def test_a_rejected_debit_with_a_formula_description_is_neutralised_in_the_csv(api):
    _company, statement = german_march(api)
    statement.content["entries"].append(dict(statement.content["entries"][-1], note=None, refs=None,
                                             description="=1+1"))
    assert "'=1+1" in render_csv(statement).decode("utf-8-sig")


@pytest.mark.parametrize("sentence, note, refs, text", [
    ("Credits of SO-1 activated", "activated", {"so": "SO-1"}, ""),
    ("Credits of SO-1 expired on 2027-01-10", "expired", {"so": "SO-1", "on": "2027-01-10"}, ""),
    ("Debit #4: Two seats", "debit_requested", {"debit": 4}, "Two seats"),
    ("Debit #4 approved: Two seats", "debit_approved", {"debit": 4}, "Two seats"),
    ("Debit #4 rejected: No budget", "debit_rejected", {"debit": 4}, "No budget"),
    ("Debit #4 cancelled", "debit_cancelled", {"debit": 4}, ""),
    ("Debit #4: Cancelled automatically: no captain decided within 45 days.", "debit_auto_cancelled", {"debit": 4}, ""),
    ("Expiry of 12.50 undone: reissued as SO-1-R (reissue request 3)", "expiry_undone",
     {"amount": 1250, "to_so": "SO-1-R", "request": 3}, ""),
    ("Reissued to SO-1-R (reissue request 3)", "reissued_to", {"to_so": "SO-1-R", "request": 3}, ""),
    ("Reissue of SO-1 (reissue request 3)", "reissued_from", {"from_so": "SO-1", "request": 3}, ""),
    ("Released credits follow the reissue to SO-1-R", "released_forwarded_to", {"to_so": "SO-1-R"}, ""),
    ("Released credits of SO-1, reissued", "released_forwarded_from", {"from_so": "SO-1"}, ""),
    ("Dispute #2 upheld: debit #4 reversed", "dispute_upheld", {"dispute": 2, "debit": 4}, ""),
    ("Something a person wrote", None, {}, "Something a person wrote"),
])
def test_every_sentence_the_ledger_ever_wrote_reads_back_as_data(sentence, note, refs, text):
    assert parse_legacy(sentence) == (note, refs, text)


def test_new_entries_store_the_note_and_only_a_persons_words(api):
    german_march(api)
    db.session.rollback()
    approved = db.session.scalars(select(LedgerEntry).where(LedgerEntry.note == "debit_approved")).all()
    assert approved and {entry.description for entry in approved} == {"Cisco Live 2026", "Prüfung"}
    assert all(entry.refs == {"debit": entry.debit_id} for entry in approved)
