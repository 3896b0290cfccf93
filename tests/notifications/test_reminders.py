"""R-EXP-4: captains hear 90, 60, 30 and 7 days before an SO expires, each once, with the
credits available, the expiry date and whether (and until when) a reissue can be requested."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from clc_ledger.extensions import db
from clc_ledger.ledger.models import SalesOrder
from clc_ledger.notifications.models import OutboxMessage
from clc_ledger.notifications.reminders import threshold_for

EXPIRES_ON = date(2027, 1, 10)  # invoiced 2026-01-10; reissue window 2026-11-11 .. 2027-03-11


def before_expiry(days_before, hour_utc=20):
    """`days_before` expiry, at noon in Los Angeles (20:00 UTC in winter, 12:00/13:00 local)."""
    return f"{EXPIRES_ON - timedelta(days=days_before)}T{hour_utc:02d}:00:00+00:00"


@pytest.fixture
def acme_three_captains(api, smtp):
    """The reminders' world: two active captains and one inactive, a member, an observer,
    and one SO expiring 2027-01-10."""
    company = api.company()
    people = {
        "carla": api.person("carla", "captain", company["id"]),
        "chris": api.person("chris", "captain", company["id"]),
        "cody": api.person("cody", "captain", company["id"]),
        "mia": api.person("mia", "member", company["id"]),
        "olga": api.person("olga", "observer", company["id"]),
    }
    assert api.admin.patch(f"/api/v1/users/{people['cody'].user.id}", json={"active": False}).status_code == 200
    api.set_clock("2026-02-01T20:00:00+00:00")
    api.sales_order("SO-104233", company["id"], "100.00", invoice_date="2026-01-10")
    return {"company": company, **people}


def run_reminders(api, when):
    api.set_clock(when)
    for _ in range(2):  # a second run (or a second scheduler) adds nothing
        response = api.admin.post("/api/v1/jobs/expiry-reminders/run")
        assert response.status_code == 200, response.get_json()
    response = api.admin.post("/api/v1/jobs/deliver-outbox/run")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]["sent"]


def test_thresholds_90_60_30_7_each_once_to_active_captains_only(api, acme_three_captains, smtp):
    sent = {days: run_reminders(api, before_expiry(days)) for days in (120, 91, 90, 89, 61, 60, 45, 30, 29, 8, 7, 6, 1)}
    assert sent == {120: 0, 91: 0, 90: 1, 89: 0, 61: 0, 60: 1, 45: 0, 30: 1, 29: 0, 8: 0, 7: 1, 6: 0, 1: 0}
    assert [m["Subject"] for m in smtp.messages] == [
        f"100.00 CLC on sales order SO-104233 expire in {days} days" for days in (90, 60, 30, 7)]
    for message, (_sender, recipients) in zip(smtp.messages, smtp.envelopes, strict=True):
        assert sorted(recipients) == ["carla@example.com", "chris@example.com"]
        assert message["To"] == "carla@example.com, chris@example.com"
        text = message.get_body(("plain",)).get_content()
        assert "expire on January 10, 2027" in text
        assert "Available credits: 100.00 CLC ($10,000.00)." in text
        assert "January 10, 2027" in message.get_body(("html",)).get_content()
    texts = [m.get_body(("plain",)).get_content() for m in smtp.messages]
    # 90 days before, the window (60 days before to 60 days after expiry) is still ahead.
    assert "request a one-time reissue of these credits from November 11, 2026 until March 11, 2027." in texts[0]
    for text in texts[1:]:
        assert "request a one-time reissue of these credits now, until March 11, 2027." in text
    assert "now, until March 11, 2027." in smtp.messages[-1].get_body(("html",)).get_content()
    assert sorted(db.session.scalars(select(OutboxMessage.dedupe_key)).all()) == sorted(
        f"expiry-reminder:1:{days}" for days in (90, 60, 30, 7))


def test_days_left_count_in_the_program_time_zone(api, acme_three_captains, smtp):
    # 06:00 UTC on the 90th day before is still the evening of the 91st in Los Angeles.
    assert run_reminders(api, before_expiry(90, hour_utc=6)) == 0
    assert run_reminders(api, before_expiry(90, hour_utc=8)) == 1


def test_a_late_run_sends_only_the_latest_threshold_passed(api, acme_three_captains, smtp):
    assert run_reminders(api, before_expiry(95)) == 0
    assert run_reminders(api, before_expiry(25)) == 1  # 90 and 60 were missed: not sent now, and not 3 mails
    assert run_reminders(api, before_expiry(20)) == 0
    assert run_reminders(api, before_expiry(7)) == 1
    assert [m["Subject"].rsplit(" in ", 1)[1] for m in smtp.messages] == ["25 days", "7 days"]
    assert sorted(db.session.scalars(select(OutboxMessage.dedupe_key)).all()) == [
        "expiry-reminder:1:30", "expiry-reminder:1:7"]


def test_a_reissued_block_says_it_cannot_be_reissued_and_a_spent_so_is_not_reminded(api, acme_three_captains, smtp):
    company_id = acme_three_captains["company"]["id"]
    api.sales_order("SO-200001", company_id, "40.00", invoice_date="2026-01-10")
    api.sales_order("SO-200002", company_id, "25.00", invoice_date="2026-01-10")
    db.session.rollback()
    reissue = db.session.scalar(select(SalesOrder).where(SalesOrder.so_number == "SO-200001"))
    reissue.reissue_of_id = db.session.scalar(select(SalesOrder.id).where(SalesOrder.so_number == "SO-104233"))
    db.session.commit()
    debit = acme_three_captains["mia"].post("/api/v1/debits", json={
        "amount": "25.00", "category": "exam_voucher", "description": "CCNA voucher",
        "allocations": [{"so_number": "SO-200002", "amount": "25.00"}]})
    assert debit.status_code == 201, debit.get_json()
    api.admin.post("/api/v1/jobs/deliver-outbox/run")  # the debit's own notices (R-NOT-1)
    smtp.messages.clear()

    assert run_reminders(api, before_expiry(30)) == 2  # SO-104233 and SO-200001; SO-200002 has nothing left
    by_so = {m["Subject"].split("sales order ")[1].split()[0]: m.get_body(("plain",)).get_content()
             for m in smtp.messages}
    assert set(by_so) == {"SO-104233", "SO-200001"}
    assert "A reissue cannot be requested for these credits." in by_so["SO-200001"]
    assert "40.00 CLC ($4,000.00)" in by_so["SO-200001"]
    assert "now, until March 11, 2027" in by_so["SO-104233"]


def test_a_german_company_gets_german_dates_and_numbers(api, smtp):
    company = api.company(name="Beispiel GmbH", country="DE", locale="de_DE")
    api.person("kai", "captain", company["id"])
    api.set_clock("2026-02-01T20:00:00+00:00")
    api.sales_order("SO-300001", company["id"], "1234.50", invoice_date="2026-01-10")
    assert run_reminders(api, before_expiry(60)) == 1
    [message] = smtp.messages
    text = message.get_body(("plain",)).get_content()
    assert "10. Januar 2027" in text and "1.234,50 CLC" in text and "123.450,00" in text
    assert "11. März 2027" in text


def test_threshold_for():
    assert [threshold_for(d) for d in (120, 91, 90, 61, 60, 31, 30, 8, 7, 1, 0, -5, None)] == [
        None, None, 90, 90, 60, 60, 30, 30, 7, 7, None, None, None]
