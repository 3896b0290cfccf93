"""The reissue form (R-RSS-1..3) as a person fills it in: errors sit under their own field in
the reader's words and date format, a summary at the top links to each, and pressing Enter
never adds or removes a plan line."""
import re

from tests.helpers import row_counts

FORM = "/sales-orders/SO-1001/reissue"


def _line(index, item="CCIE bootcamp", category="automation_bootcamp", planned_on="2027-03-15", credits="500.00"):
    return {f"item-{index}": item, f"category-{index}": category, f"planned_on-{index}": planned_on,
            f"credits-{index}": credits}


def _field(html, field_id):
    """The markup of one field: its label, its input and what follows it inside the field."""
    return re.search(rf'<div class="field[^"]*">\s*<label for="{field_id}">.*?</div>', html, re.S).group(0)


def test_enter_sends_the_request_and_never_removes_a_line(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")  # SO-1001's window is open
    carla = browser("carla")
    html = carla.get(FORM).get_data(as_text=True)
    # The first submit button of the form, the one Enter presses, is the request itself.
    form = html[html.index('<form class="card" id="reissue-form"'):]
    assert re.search(r'<button type="submit"[^>]*value="(\w+)"', form).group(1) == "submit"
    before = row_counts()
    # What a browser sends on Enter with two lines: no "remove" action, so both stay.
    response = carla.submit(FORM, FORM, {"lines": "2", "action": "submit", **_line(0, credits="300.00"),
                                         **_line(1, item="", planned_on="", credits="")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="item-1"' in html and 'value="CCIE bootcamp"' in html
    assert row_counts() == before


def test_an_empty_line_says_to_fill_it_in_or_remove_it(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")
    carla = browser("carla")
    html = carla.submit(FORM, FORM, {"lines": "2", "action": "submit", **_line(0),
                                     **_line(1, item="", planned_on="", credits="")}).get_data(as_text=True)
    item = _field(html, "item-1")
    assert "This line is empty: fill it in, or remove it" in item
    assert 'aria-invalid="true" aria-describedby="item-1-error"' in item and 'id="item-1-error"' in item
    assert 'is not a number of credits' not in html
    assert '<a href="#item-1">Line 2, Course or item: This line is empty' in html
    assert 'data-focus="item-1"' in html  # the page script moves the focus there


def test_the_six_month_error_sits_under_the_date_in_the_readers_date_format(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")  # six months on: 2027-05-20
    carla = browser("carla")
    html = carla.submit(FORM, FORM, {"lines": "1", "action": "submit",
                                     **_line(0, planned_on="2027-06-01")}).get_data(as_text=True)
    date_field = _field(html, "planned_on-0")
    assert "within 6 months of the request: on or before May 20, 2027." in date_field
    assert 'aria-invalid="true"' in date_field and "2027-05-20" not in date_field.split("</label>")[1].split(">", 1)[1]
    assert "within 6 months" not in _field(html, "credits-0")
    assert carla.submit("/", "/language", {"lang": "de", "next": "/"}).status_code == 302
    html = carla.submit(FORM, FORM, {"lines": "1", "action": "submit",
                                     **_line(0, planned_on="2027-06-01")}).get_data(as_text=True)
    assert "20.05.2027" in _field(html, "planned_on-0")


def test_a_plan_that_does_not_add_up_says_so_beside_the_total(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")
    html = browser("carla").submit(FORM, FORM, {"lines": "1", "action": "submit", **_line(0, credits="450.00")}
                                   ).get_data(as_text=True)
    assert re.search(r'id="plan-total-error">The lines total 450.00 CLC; together they must cover exactly '
                     r'500.00 CLC.', html)
    assert '<a href="#plan-total">Training plan:' in html


def test_only_the_line_buttons_add_and_remove_lines(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")
    carla = browser("carla")
    html = carla.submit(FORM, FORM, {"lines": "1", "action": "add", **_line(0)}).get_data(as_text=True)
    assert 'id="item-1"' in html and "Remove line 2" in html
    html = carla.submit(FORM, FORM, {"lines": "2", "action": "remove-0", **_line(0, item="first"),
                                     **_line(1, item="second")}).get_data(as_text=True)
    assert 'value="second"' in html and 'value="first"' not in html and 'id="item-1"' not in html


def test_a_second_request_says_why_it_must_wait(api, acme_two_orders, browser):
    api.set_clock("2026-11-20T18:00:00+00:00")
    carla = browser("carla")
    response = carla.submit(FORM, FORM, {"lines": "1", "action": "submit", **_line(0)})
    assert response.status_code == 302
    html = carla.get(FORM).get_data(as_text=True)
    reason = re.search(r'data-testid="closed-reason">(.*?)</p>', html, re.S).group(1)
    assert "cannot be requested today" in reason
    assert re.search(r"Request #\d+ for SO-1001, sent on Nov 20, 2026, is still under review", reason)


def test_outside_the_window_the_page_names_the_day_it_opens(api, acme_two_orders, browser):
    html = browser("carla").get(FORM).get_data(as_text=True)  # 2026-03-01: opens 2026-11-11
    assert "The reissue window of SO-1001 opens on Nov 11, 2026" in html
