"""Transaction notifications (R-NOT-1) and pending-debit aging (R-DEB-7), read off a real
SMTP server after the outbox delivers."""
import pytest


from ..helpers import row_counts
from .test_debits import balance, debit


def deliver(api):
    response = api.admin.post("/api/v1/jobs/deliver-outbox/run")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def mail_to(smtp, address):
    return [m for m in smtp.messages if address in m["To"]]


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_R_NOT_1_captains_hear_of_a_debit_awaiting_approval_with_the_balance_that_would_remain(
        api, approval_required, smtp):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    pending = debit(acme["mo"], "4.00").get_json()
    deliver(api)
    for captain in ("carla@example.com", "dana@example.com"):
        [message] = mail_to(smtp, captain)
        assert f"#{pending['id']}" in message["Subject"] and "awaits your approval" in message["Subject"]
        assert "Balance after approval: 6.00 CLC ($600.00)" in body(message)
        assert "SO-1: 4.00 CLC" in body(message)
    assert mail_to(smtp, "mo@example.com") == [] and mail_to(smtp, "obi@example.com") == []


def test_R_NOT_1_the_requester_hears_when_their_debit_is_posted_or_rejected_with_the_balance_left(
        api, approval_required, smtp):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    first = debit(acme["mo"], "4.00").get_json()
    second = debit(acme["mo"], "1.00").get_json()
    acme["carla"].post(f"/api/v1/debits/{first['id']}/approve")
    acme["carla"].post(f"/api/v1/debits/{second['id']}/reject", json={"reason": "Wrong exam"})
    deliver(api)
    messages = {m["Subject"]: body(m) for m in mail_to(smtp, "mo@example.com")}
    posted = messages[f"Your debit #{first['id']} of 4.00 CLC is posted"]
    rejected = messages[f"Your debit #{second['id']} of 1.00 CLC was rejected"]
    assert "Credits remaining available: 5.00 CLC ($500.00)." in posted  # the 1.00 was still held
    assert "Reason: Wrong exam" in rejected and "Credits remaining available: 6.00 CLC" in rejected


def test_R_NOT_1_captains_hear_when_a_debit_posts_without_approval(api, acme, smtp):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    posted = debit(acme["mo"], "2.50").get_json()
    deliver(api)
    [to_captain] = mail_to(smtp, "carla@example.com")
    assert to_captain["Subject"] == f"Debit #{posted['id']} of 2.50 CLC was posted"
    assert "7.50 CLC ($750.00)" in body(to_captain)
    assert len(mail_to(smtp, "mo@example.com")) == 1


def test_R_NOT_2_a_notice_says_what_was_true_when_its_change_was_made_not_when_it_is_sent(api, acme, smtp):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    first = debit(acme["mo"], "4.00").get_json()
    second = debit(acme["mo"], "3.00").get_json()  # before the first notice goes out
    deliver(api)
    by_subject = {m["Subject"]: body(m) for m in mail_to(smtp, "carla@example.com")}
    assert "6.00 CLC ($600.00)" in by_subject[f"Debit #{first['id']} of 4.00 CLC was posted"]
    assert "3.00 CLC ($300.00)" in by_subject[f"Debit #{second['id']} of 3.00 CLC was posted"]


def test_R_NOT_2_a_refused_debit_enqueues_no_mail(api, acme, smtp):
    api.sales_order("SO-1", acme["company"]["id"], "1.00")
    before = row_counts()
    assert debit(acme["mo"], "2.00").status_code == 422
    assert row_counts() == before
    assert deliver(api)["sent"] == 0


def test_a_german_company_gets_its_notices_in_german_formats(api, smtp):
    api.set_clock("2026-06-15T19:00:00+00:00")
    company = api.company("Rheinland GmbH", country="DE", locale="de_DE")
    api.person("klaus", "captain", company["id"])
    greta = api.person("greta", "member", company["id"])
    api.sales_order("SO-DE", company["id"], "1234.50")
    debit(greta, "0.50")
    deliver(api)
    [to_klaus] = mail_to(smtp, "klaus@example.com")
    assert "1.234,00\xa0CLC" in body(to_klaus) or "1.234,00 CLC" in body(to_klaus)


@pytest.fixture
def aging(api, approval_required, smtp):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    api.set_clock("2026-06-01T19:00:00+00:00")
    pending = debit(acme["mo"], "4.00").get_json()
    deliver(api)
    smtp.messages.clear()
    return acme, pending


def test_R_DEB_7_a_debit_pending_30_days_reminds_the_captains_once(api, aging, smtp):
    acme, pending = aging
    api.set_clock("2026-06-30T19:00:00+00:00")  # 29 days
    assert api.admin.post("/api/v1/jobs/age-pending-debits/run").get_json()["result"] == {"reminded": 0,
                                                                                          "cancelled": 0}
    api.set_clock("2026-07-01T19:00:00+00:00")  # 30 days
    assert api.admin.post("/api/v1/jobs/age-pending-debits/run").get_json()["result"]["reminded"] == 1
    assert api.admin.post("/api/v1/jobs/age-pending-debits/run").get_json()["result"]["reminded"] == 0
    deliver(api)
    [reminder] = mail_to(smtp, "carla@example.com")
    assert "30 days" in reminder["Subject"] and mail_to(smtp, "mo@example.com") == []
    assert acme["mo"].get(f"/api/v1/debits/{pending['id']}").get_json()["status"] == "pending"


def test_R_DEB_7_a_debit_pending_45_days_is_cancelled_its_hold_released_and_everyone_told(api, aging, smtp):
    acme, pending = aging
    api.set_clock("2026-07-16T19:00:00+00:00")  # 45 days
    result = api.admin.post("/api/v1/jobs/age-pending-debits/run").get_json()["result"]
    assert result == {"reminded": 0, "cancelled": 1}
    view = acme["mo"].get(f"/api/v1/debits/{pending['id']}").get_json()
    assert view["status"] == "cancelled" and "45 days" in view["reason"]
    after = balance(acme["obi"], acme["company"])
    assert (after["available"], after["held"]) == ("10.00", "0.00")
    assert api.admin.post("/api/v1/jobs/age-pending-debits/run").get_json()["result"]["cancelled"] == 0
    deliver(api)
    assert len(mail_to(smtp, "mo@example.com")) == 1 and len(mail_to(smtp, "carla@example.com")) == 1
    assert acme["carla"].post(f"/api/v1/debits/{pending['id']}/approve").status_code == 409
