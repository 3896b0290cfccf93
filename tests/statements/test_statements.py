"""Monthly statements (R-STM-1, R-STM-2): the numbers, exactly once, catch-up, the email."""
import csv
import io
import threading
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import func, select

from clc_ledger.accounts.models import Company
from clc_ledger.extensions import db
from clc_ledger.ledger.models import BALANCE_KINDS, LedgerEntry
from clc_ledger.notifications.models import OutboxMessage
from clc_ledger.statements import services
from clc_ledger.statements.csv import render_csv
from clc_ledger.statements.html import render_html
from clc_ledger.statements.models import Statement
from clc_ledger.statements.pdf import render_pdf

from .helpers import debit, instant, statements_of


def run_job(api, iso):
    api.set_clock(iso)
    response = api.admin.post("/api/v1/jobs/monthly-statements/run")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def outbox_for(company_id, period):
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == f"statement:{company_id}:{period}")).all()


def test_each_month_opens_at_the_previous_closing_and_closes_at_opening_plus_its_entries(api, history):
    result = run_job(api, "2026-04-01T06:00:00-07:00")
    assert result["period"] == "2026-03"
    statements = statements_of(history.id)
    assert sorted(statements) == ["2026-01", "2026-02", "2026-03"]

    jan, feb, mar = statements["2026-01"], statements["2026-02"], statements["2026-03"]
    assert (jan.opening_balance, jan.closing_balance) == (0, 8750)  # +100.00 - 12.50 (Jan 31, 23:30 local)
    assert (feb.opening_balance, feb.closing_balance) == (8750, 8750)
    assert (mar.opening_balance, mar.closing_balance) == (8750, 8750 + 5000 - 3025 - 1)
    previous = None
    for statement in (jan, feb, mar):
        entries = statement.content["entries"]
        assert statement.closing_balance == statement.opening_balance + sum(e["amount"] for e in entries)
        if previous is not None:
            assert statement.opening_balance == previous.closing_balance
        running = statement.opening_balance
        for entry in entries:
            running += entry["amount"]
            assert entry["running_balance"] == running
        previous = statement
    assert [(e["kind"], e["so_number"], e["amount"], e["date"]) for e in jan.content["entries"]] == [
        ("activation", history.so1, 10000, "2026-01-12"), ("debit", history.so1, -1250, "2026-01-31")]
    assert feb.content["entries"] == []
    assert [e["amount"] for e in mar.content["entries"]] == [5000, -3025, -1]

    # The closing balance is what the ledger says at the period end, and what the SOs hold.
    db.session.rollback()
    ledger_total = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(
        LedgerEntry.company_id == history.id, LedgerEntry.kind.in_(BALANCE_KINDS)))
    assert int(ledger_total) == mar.closing_balance
    assert sum(so["balance"] for so in mar.content["sales_orders"]) == mar.closing_balance


def test_holds_and_releases_are_informational_and_do_not_move_the_balance(api):
    api.set_clock("2026-05-04T10:00:00-07:00")
    company = api.company(name="Holdco", approval=True)
    captain = api.person("hold-captain", "captain", company["id"])
    member = api.person("hold-member", "member", company["id"])
    api.sales_order("HOLD-1", company["id"], "40.00", booked_on="2026-04-20", invoice_date="2026-04-28")
    approved = debit(member, "10.00", "Approved course")
    pending = debit(member, "5.00", "Still waiting")
    assert approved["status"] == pending["status"] == "pending"
    api.set_clock("2026-05-06T10:00:00-07:00")
    assert captain.post(f"/api/v1/debits/{approved['id']}/approve").status_code == 200

    run_job(api, "2026-06-01T06:00:00-07:00")
    may = statements_of(company["id"])["2026-05"]
    assert [(e["kind"], e["amount"]) for e in may.content["entries"]] == [("activation", 4000), ("debit", -1000)]
    assert may.closing_balance == 3000
    assert sorted((r["kind"], r["amount"]) for r in may.content["reservations"]) == [
        ("hold", -1000), ("hold", -500), ("release", 1000)]
    [so] = may.content["sales_orders"]
    assert (so["balance"], so["held"], so["available"]) == (3000, 500, 2500)


def test_running_the_job_twice_gives_one_statement_and_one_email_per_company_month(api, history):
    first = run_job(api, "2026-04-01T06:00:00-07:00")
    second = run_job(api, "2026-04-01T06:00:00-07:00")
    third = run_job(api, "2026-04-15T12:00:00-07:00")
    assert first["issued"] == 3
    assert second["issued"] == third["issued"] == 0
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Statement)) == 3
    for period in ("2026-01", "2026-02", "2026-03"):
        assert len(outbox_for(history.id, period)) == 1
    # Issuing it directly again returns the stored one, unchanged.
    again = services.issue_statement(history.id, "2026-03")
    assert again.id == statements_of(history.id)["2026-03"].id


def test_two_concurrent_runs_issue_one_statement_and_one_email(app, api, history):
    now = instant("2026-04-01T06:00:00-07:00")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results.append(services.run_monthly_statements(now))
            except Exception as error:  # surfaced below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(result["issued"] for result in results) == 3
    assert sorted(statements_of(history.id)) == ["2026-01", "2026-02", "2026-03"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Statement)) == 3
    for period in ("2026-01", "2026-02", "2026-03"):
        assert len(outbox_for(history.id, period)) == 1


def test_two_concurrent_generations_of_the_same_month_return_the_same_statement(app, api, history):
    api.set_clock("2026-04-01T06:00:00-07:00")
    barrier = threading.Barrier(3)
    ids, errors = [], []

    def generate():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                ids.append(services.issue_statement(history.id, "2026-03").id)
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=generate) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(ids) == 3 and len(set(ids)) == 1
    assert len(outbox_for(history.id, "2026-03")) == 1


def test_a_month_missed_while_the_scheduler_was_down_is_caught_up(api, history):
    assert run_job(api, "2026-02-01T00:05:00-08:00")["statements"] == [{"company_id": history.id, "period": "2026-01"}]
    assert sorted(statements_of(history.id)) == ["2026-01"]
    # Down on March 1st and April 1st; back on April 3rd.
    result = run_job(api, "2026-04-03T08:00:00-07:00")
    assert result["statements"] == [{"company_id": history.id, "period": "2026-02"},
                                    {"company_id": history.id, "period": "2026-03"}]
    statements = statements_of(history.id)
    assert sorted(statements) == ["2026-01", "2026-02", "2026-03"]
    assert statements["2026-02"].opening_balance == statements["2026-01"].closing_balance
    assert len(outbox_for(history.id, "2026-02")) == 1


def test_the_month_is_the_calendar_month_in_the_program_time_zone(api, history):
    # 23:59 on March 31st in Los Angeles is already April 1st in UTC: March has not ended.
    assert run_job(api, "2026-03-31T23:59:30-07:00")["period"] == "2026-02"
    assert "2026-03" not in statements_of(history.id)
    with pytest.raises(Exception) as refused:
        services.issue_statement(history.id, "2026-04")
    assert getattr(refused.value, "code", None) == 422


def test_a_company_without_ledger_entries_gets_no_statement(api):
    api.set_clock("2026-01-12T10:00:00-08:00")
    quiet = api.company(name="Quiet Corp")
    run_job(api, "2026-04-01T06:00:00-07:00")
    assert statements_of(quiet["id"]) == {}


def test_the_statement_is_a_snapshot_that_does_not_change_afterwards(api, history):
    run_job(api, "2026-04-01T06:00:00-07:00")
    before = statements_of(history.id)["2026-03"]
    content, html = before.content, render_html(before)
    # Later activity (and a later expiry) does not rewrite what March stated.
    api.set_clock("2026-04-10T09:00:00-07:00")
    debit(history.member, "7.00")
    after = statements_of(history.id)["2026-03"]
    assert after.content == content
    assert render_html(after) == html


def test_credits_expiring_within_90_days_of_the_period_end_stand_out(api, history):
    api.set_clock("2026-01-12T11:00:00-08:00")
    api.sales_order("OLD-7", history.id, "20.00", booked_on="2025-04-20", invoice_date="2025-05-01")  # expires 2026-05-01
    run_job(api, "2026-04-01T06:00:00-07:00")
    statements = statements_of(history.id)
    lines = {so["so_number"]: so for so in statements["2026-03"].content["sales_orders"]}
    assert lines["OLD-7"]["days_left"] == 31 and lines["OLD-7"]["expiring_soon"] is True
    assert lines[history.so1]["expiring_soon"] is False  # expires 2027-01-10
    assert statements["2026-03"].content["expiring_soon"] == 2000
    january = {so["so_number"]: so for so in statements["2026-01"].content["sales_orders"]}
    assert january["OLD-7"]["days_left"] == 90 and january["OLD-7"]["expiring_soon"] is True
    assert history.so2 not in january  # not booked yet at the end of January
    html = render_html(statements["2026-03"])
    assert "expiring-soon" in html and "Expiring soon" in html
    assert "Credits expiring within 90 days of the period end: 20.00 CLC ($2,000.00)" in html


def test_an_expired_sales_order_shows_as_expired_with_its_expiry_entry(api):
    api.set_clock("2026-01-12T10:00:00-08:00")
    company = api.company(name="Lapsed Inc")
    api.sales_order("LAPSE-1", company["id"], "10.00", booked_on="2025-02-01", invoice_date="2025-02-10")
    api.set_clock("2026-02-10T00:01:00-08:00")  # 12:01 a.m. on expires_on
    assert api.admin.post("/api/v1/jobs/expire-credits/run").status_code == 200
    run_job(api, "2026-03-01T06:00:00-08:00")
    feb = statements_of(company["id"])["2026-02"]
    assert [(e["kind"], e["amount"]) for e in feb.content["entries"]] == [("expiry", -1000)]
    assert feb.closing_balance == 0
    [so] = feb.content["sales_orders"]
    assert (so["status"], so["balance"], so["days_left"], so["expiring_soon"]) == ("expired", 0, -18, False)


def test_the_csv_rows_sum_to_the_movements_of_the_month(api, history):
    run_job(api, "2026-04-01T06:00:00-07:00")
    for statement in statements_of(history.id).values():
        rows = list(csv.DictReader(io.StringIO(render_csv(statement).decode("utf-8-sig"))))
        assert len(rows) == len(statement.content["entries"])
        total = sum((Decimal(row["Amount (CLC)"]) for row in rows), Decimal("0.00"))
        assert total == Decimal(statement.closing_balance - statement.opening_balance) / 100
        for row in rows:
            assert row.keys() >= {"Date", "Type", "Sales order", "Description", "Amount (CLC)", "Balance (CLC)"}
            assert Decimal(row["Amount (USD)"]) == Decimal(row["Amount (CLC)"]) * 100
    march = statements_of(history.id)["2026-03"]
    rows = list(csv.DictReader(io.StringIO(render_csv(march).decode("utf-8-sig"))))
    assert [(r["Date"], r["Type"], r["Sales order"], r["Amount (CLC)"], r["Balance (CLC)"]) for r in rows] == [
        ("2026-03-05", "Activation", history.so2, "50.00", "137.50"),
        ("2026-03-09", "Debit", history.so1, "-30.25", "107.25"),
        ("2026-03-31", "Debit", history.so1, "-0.01", "107.24"),
    ]


def test_the_pdf_parses_and_states_the_company_and_the_balances(api, history):
    run_job(api, "2026-04-01T06:00:00-07:00")
    march = statements_of(history.id)["2026-03"]
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(march)))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    assert "AcmeNetworks" in flat
    assert "87.50CLC" in flat and "107.24CLC" in flat and "$10,724.00" in flat
    assert "Statementof" in flat


def test_the_pdf_falls_back_to_a_core_font_when_no_unicode_font_is_installed(app, api):
    api.set_clock("2026-01-12T10:00:00-08:00")
    company = api.company(name="Tōkyō Ltd 東京", locale="ja_JP", country="JP")
    api.sales_order("JP-1", company["id"], "1234.50", booked_on="2026-01-05", invoice_date="2026-01-10")
    run_job(api, "2026-02-01T06:00:00-08:00")
    statement = statements_of(company["id"])["2026-01"]
    app.config["CLC_PDF_FONTS"] = [("/nonexistent/font.ttf", None, 0)]
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(statement)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Ltd" in text and "1,234.50 CLC" in text


def test_the_email_goes_to_recipients_observers_and_captains_with_pdf_and_csv(api, history):
    api.person("so-former", "observer", history.id)
    former = api.admin.get(f"/api/v1/users?company_id={history.id}").get_json()["users"]
    former_id = next(user["id"] for user in former if user["username"] == "so-former")
    assert api.admin.patch(f"/api/v1/users/{former_id}", json={"active": False}).status_code == 200
    run_job(api, "2026-04-01T06:00:00-07:00")
    [message] = outbox_for(history.id, "2026-03")
    assert [address.lower() for address in message.recipients] == [
        "finance@acme.example", "so-captain@example.com", "so-observer@example.com"]
    assert "March 2026" in message.subject and "Acme Networks" in message.subject
    assert "107.24 CLC" in message.text_body and "$10,724.00" in message.text_body
    assert "<html" in message.html_body and "107.24 CLC" in message.html_body
    attachments = {a.filename: a for a in message.attachments}
    pdf = attachments[f"clc-statement-{history.id}-2026-03.pdf"]
    csv_file = attachments[f"clc-statement-{history.id}-2026-03.csv"]
    assert (pdf.mimetype, csv_file.mimetype) == ("application/pdf", "text/csv; charset=utf-8")
    assert "AcmeNetworks" in "".join("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages).split())
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert sum(Decimal(row["Amount (CLC)"]) for row in rows) == Decimal("19.74")


def test_one_company_failing_does_not_keep_the_others_from_their_statements(api, history):
    api.set_clock("2026-01-12T10:00:00-08:00")
    broken = api.company(name="Broken Locale Ltd")
    api.sales_order("BRK-1", broken["id"], "10.00", booked_on="2026-01-05", invoice_date="2026-01-10")
    db.session.rollback()
    company = db.session.get(Company, broken["id"])
    company.locale = "xx_QQ"  # damaged data: Babel cannot format for it
    company.statement_recipients = ["finance@broken.example", "not an address"]
    db.session.commit()

    result = run_job(api, "2026-03-01T06:00:00-08:00")
    assert result["failed"] == [{"company_id": broken["id"], "period": "2026-01"}]
    assert sorted(statements_of(history.id)) == ["2026-01", "2026-02"]
    assert statements_of(broken["id"]) == {}

    company = db.session.get(Company, broken["id"])
    company.locale = "en_GB"
    db.session.commit()
    result = run_job(api, "2026-03-01T07:00:00-08:00")
    assert result["failed"] == [] and result["issued"] == 2
    assert sorted(statements_of(broken["id"])) == ["2026-01", "2026-02"]
    [message] = outbox_for(broken["id"], "2026-01")
    assert message.recipients == ["finance@broken.example"]
    assert "1 January 2026 – 31 January 2026" in message.html_body  # en_GB dates
