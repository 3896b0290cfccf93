"""Deadlines a busy captain cannot misread (R-EXP-1, R-EXP-2, R-EXP-3, R-RSS-1): the expiry
moment with its time zone, "today"/"tomorrow", an urgency level, held credits still at risk,
and the reissue window still open after expiry."""
import re

from clc_ledger.web.deadlines import urgency


def _text(html):
    """The page's words without tags, spaces squeezed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def test_every_expiry_shows_its_moment_and_time_zone(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")  # SO-1001 expires 2027-01-10: 51 days left
    text = _text(browser("mike").get("/").get_data(as_text=True))
    assert "Expires at 12:01 AM on Jan 10, 2027 (Pacific Time)" in text
    assert "Expires at 12:01 AM on Feb 3, 2027 (Pacific Time)" in text  # SO-1002, 75 days
    assert "51 days left" in text and not re.search(r"\b1 days", text)


def test_the_day_before_and_the_day_itself_say_tomorrow_and_today(api, acme_two_orders, browser):
    api.set_clock("2027-01-10T07:59:00+00:00")  # 11:59 p.m. on 9 Jan in Los Angeles
    text = _text(browser("mike").get("/").get_data(as_text=True))
    assert "Expires tomorrow, at 12:01 AM on Jan 10, 2027 (Pacific Time)" in text
    api.set_clock("2027-01-10T08:00:00+00:00")  # midnight: one minute left
    text = _text(browser("mike").get("/").get_data(as_text=True))
    assert "Expires today, at 12:01 AM on Jan 10, 2027 (Pacific Time)" in text


def test_the_urgency_scale_has_four_steps():
    assert [urgency(days) for days in (120, 91, 90, 31, 30, 8, 7, 2, 1, 0, -1)] == [
        None, None, "watch", "watch", "soon", "soon", "urgent", "urgent", "critical", "critical", None]


def test_the_urgency_level_shows_on_the_row_and_the_warning(api, acme_two_orders, browser):
    api.set_clock("2027-01-05T18:00:00+00:00")  # SO-1001: 5 days left; SO-1002: 29
    html = browser("mike").get("/").get_data(as_text=True)
    assert re.search(r'<li class="so level-urgent" data-so="SO-1001"', html)
    assert re.search(r'<li class="so level-soon" data-so="SO-1002"', html)
    assert 'class="badge level-urgent">5 days left' in html


def test_a_fully_held_sales_order_keeps_its_warning(api, acme_two_orders, browser):
    """R-EXP-3: held credits expire too if their request is rejected after the moment."""
    api.set_clock("2026-11-20T18:00:00+00:00")
    response = acme_two_orders["member"].post("/api/v1/debits", json={
        "category": "exam_voucher", "description": "All of SO-1001", "amount": "500.00",
        "allocations": [{"so_number": "SO-1001", "amount": "500.00"}]})
    assert response.status_code == 201 and response.get_json()["status"] == "pending"
    html = browser("mike").get("/").get_data(as_text=True)
    text = _text(html)
    assert "Expiring within 90 days" in text
    assert "500.00 CLC on SO-1001." in text and "51 days left" in text
    assert "500.00 CLC of it is held by requests awaiting approval" in text
    assert re.search(r'<li class="so level-watch" data-so="SO-1001"', html)


def test_after_expiry_the_open_reissue_window_is_said_with_its_last_day(api, acme_two_orders, browser):
    api.set_clock("2027-01-20T18:00:00+00:00")  # SO-1001 expired on 10 Jan; window until 11 Mar
    carla = _text(browser("carla").get("/").get_data(as_text=True))
    assert "Expired, but a reissue can still be requested" in carla
    assert "500.00 CLC on SO-1001 expired. Expired at 12:01 AM on Jan 10, 2027 (Pacific Time)." in carla
    assert "A reissue can be requested until Mar 11, 2027." in carla
    assert "Request reissue of SO-1001" in carla
    assert "Expired 0.00 CLC" not in carla
    mike = _text(browser("mike").get("/").get_data(as_text=True))
    assert "A reissue can be requested until Mar 11, 2027." in mike and "Request reissue of SO-1001" not in mike
    assert "Ask a captain to request it." in mike
    api.set_clock("2027-03-12T18:00:00+00:00")  # SO-1001's window closed the day before
    carla = _text(browser("carla").get("/").get_data(as_text=True))
    assert "on SO-1001 expired" not in carla and "Request reissue of SO-1001" not in carla
    assert "250.00 CLC on SO-1002 expired" in carla  # SO-1002's stays open until 4 Apr


def test_deadlines_are_worded_in_the_readers_language(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")
    mike = browser("mike")
    assert mike.submit("/", "/language", {"lang": "ja", "next": "/"}).status_code == 302
    text = _text(mike.get("/").get_data(as_text=True))
    assert "2027/01/10" in text and "0:01" in text and "米国太平洋時間" in text
    assert "2026年12月" in text and "12月 2026" not in text


def test_german_readers_get_german_deadlines_and_plural_forms(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")
    mike = browser("mike")
    assert mike.submit("/", "/language", {"lang": "de", "next": "/"}).status_code == 302
    text = _text(mike.get("/").get_data(as_text=True))
    assert "Verfällt um 00:01 Uhr am 10.01.2027 (Nordamerikanische Westküstenzeit)" in text
    assert "noch 51 Tage" in text
    assert "days left" not in text and "Expires" not in text


def test_the_chart_counts_held_credits_in_the_month_they_expire(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")
    acme_two_orders["member"].post("/api/v1/debits", json={"category": "exam_voucher", "description": "All of SO-1001",
                                                "amount": "500.00",
                                                "allocations": [{"so_number": "SO-1001", "amount": "500.00"}]})
    text = _text(browser("mike").get("/").get_data(as_text=True))
    assert "January 2027 500.00 CLC" in text and "February 2027 250.00 CLC" in text
