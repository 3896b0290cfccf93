"""R-EXP-1: when credits expire the captains hear it, in the company's language: how much,
on which SO, the moment the expiry took effect, and whether a one-time reissue can still be
requested (R-RSS-1: until 60 days after expiry). Once per expiry, however often the sweep
runs; delivered to a real SMTP server."""
from datetime import datetime, timezone

import pytest
from babel.dates import format_datetime

from clc_ledger import clock

EXPIRY_MINUTE = datetime(2027, 1, 10, 8, 1, tzinfo=timezone.utc)  # 12:01 a.m. Pacific on 10 Jan 2027

SUBJECTS = {
    "en_US": ("US", "80.00 CLC on sales order SO-1 expired", "You can request a one-time reissue"),
    "de_DE": ("DE", "80,00 CLC auf dem Kundenauftrag SO-1 sind verfallen", "Neuausstellung"),
    "fr_FR": ("FR", "80,00 CLC sur la commande client SO-1 ont expiré", "réémission"),
    "ja_JP": ("JP", "セールスオーダーSO-1の80.00 CLCが失効しました", "再発行"),
}


def expiring_world(api, locale, country):
    company = api.company(locale=locale, country=country)
    people = {name: api.person(name, role, company["id"])
              for name, role in (("carla", "captain"), ("chris", "captain"), ("mia", "member"))}
    api.set_clock("2026-02-01T20:00:00+00:00")
    api.sales_order("SO-1", company["id"], "100.00", invoice_date="2026-01-10")  # expires 2027-01-10
    assert people["mia"].post("/api/v1/debits", json={"amount": "20.00", "category": "exam_voucher",
                                                     "description": "CCNA exam"}).status_code == 201
    return company


def sweep_and_deliver(api, when):
    api.set_clock(when)
    for _ in range(2):  # a second sweep writes and mails nothing more
        assert api.admin.post("/api/v1/jobs/expire-credits/run").status_code == 200
    assert api.admin.post("/api/v1/jobs/deliver-outbox/run").status_code == 200


@pytest.mark.parametrize("locale", SUBJECTS)
def test_captains_hear_what_expired_when_and_until_when_a_reissue_can_be_asked(api, smtp, locale):
    country, subject, reissue_word = SUBJECTS[locale]
    expiring_world(api, locale, country)
    sweep_and_deliver(api, "2027-01-12T20:00:00+00:00")  # the job ran two days late
    expired = [message for message in smtp.messages if message["Subject"] == subject]
    assert len(expired) == 1, [message["Subject"] for message in smtp.messages]
    message = expired[0]
    assert sorted(address.strip() for address in message["To"].split(",")) == ["carla@example.com",
                                                                                "chris@example.com"]
    text = message.get_body(("plain",)).get_content()
    # Effective at the expiry minute, not when the late job wrote it (R-EXP-1, R-LED-3).
    assert format_datetime(EXPIRY_MINUTE, "long", tzinfo=clock.zone(), locale=locale) in text
    assert reissue_word in text


def test_no_reissue_offered_once_the_window_has_closed(api, smtp):
    expiring_world(api, "en_US", "US")
    sweep_and_deliver(api, "2027-03-20T20:00:00+00:00")  # more than 60 days after expiry
    (message,) = [m for m in smtp.messages if m["Subject"] == "80.00 CLC on sales order SO-1 expired"]
    assert "A reissue cannot be requested for these credits." in message.get_body(("plain",)).get_content()


def test_nothing_is_mailed_when_nothing_was_left_to_expire(api, smtp):
    company = api.company()
    api.person("carla", "captain", company["id"])
    mia = api.person("mia", "member", company["id"])
    api.set_clock("2026-02-01T20:00:00+00:00")
    api.sales_order("SO-1", company["id"], "10.00", invoice_date="2026-01-10")
    assert mia.post("/api/v1/debits", json={"amount": "10.00", "category": "exam_voucher",
                                           "description": "CCNA exam"}).status_code == 201
    sweep_and_deliver(api, "2027-01-12T20:00:00+00:00")
    assert not [m for m in smtp.messages if "expired" in m["Subject"]]
