"""The pages call the same services as the API: who may see and change what."""
import re

from tests.helpers import row_counts


def test_the_terms_page_comes_first_and_only_once(api, browser):
    company = api.company("Acme Networks")
    api.person("newbie", "member", company["id"], accept_terms=False)
    person = browser("newbie")
    for path in ("/", "/debits", "/statements"):
        response = person.get(path)
        assert response.status_code == 302 and "/terms" in response.headers["Location"], path
    response = person.submit("/terms", "/terms", {"next": "/debits"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/debits")
    assert person.get("/").status_code == 200
    assert api.login("newbie").get("/api/v1/me").get_json()["terms_accepted_at"]


def test_home_shows_the_company_and_its_credits_first(acme_two_orders, browser):
    html = browser("mike").get("/").get_data(as_text=True)
    assert html.index("Acme Networks") < html.index("750.00 CLC") < html.index("SO-1001")
    assert "$75,000.00" in html
    assert "SO-1002" in html and '<details class="so-more' in html


def test_home_warns_about_credits_expiring_within_90_days(api, acme_two_orders, browser):
    assert "Expiring within 90 days" not in browser("mike").get("/").get_data(as_text=True)
    api.set_clock("2026-11-20T18:00:00+00:00")  # SO-1001 expires 2027-01-10: 51 days left
    html = browser("mike").get("/").get_data(as_text=True)
    assert "Expiring within 90 days" in html
    assert re.search(r"500\.00 CLC on SO-1001\.\s*Expires at 12:01\sAM on Jan 10, 2027 \(Pacific Time\)", html)
    assert "51 days left" in html


def test_request_reissue_shows_only_where_the_window_is_open_and_to_captains(api, acme_two_orders, browser):
    assert "Request reissue of" not in browser("carla").get("/").get_data(as_text=True)
    api.set_clock("2026-11-20T18:00:00+00:00")  # SO-1001's window opened 2026-11-11; SO-1002's not yet
    html = browser("carla").get("/").get_data(as_text=True)
    assert "Request reissue of SO-1001" in html and "Request reissue of SO-1002" not in html
    assert "Request reissue of" not in browser("mike").get("/").get_data(as_text=True)


def test_the_expiry_chart_is_an_svg_without_script(acme_two_orders, browser):
    response = browser("mike").get("/charts/expiring.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and b"<script" not in response.data


def test_a_member_requests_a_debit_and_a_captain_approves_it(acme_two_orders, browser):
    mike, carla = browser("mike"), browser("carla")
    response = mike.submit("/debits/new", "/debits/new",
                           {"category": "exam_voucher", "description": "CCNA exam", "amount": "100.00"})
    assert response.status_code == 302
    queue = carla.get("/approvals").get_data(as_text=True)
    assert "CCNA exam" in queue and "mike" in queue
    debit_id = re.search(r"/debits/(\d+)/approve", queue).group(1)
    assert carla.submit("/approvals", f"/debits/{debit_id}/approve").status_code == 302
    assert "650.00 CLC" in mike.get("/").get_data(as_text=True)


def test_a_split_debit_draws_from_the_chosen_sales_orders(acme_two_orders, api, browser):
    mike = browser("mike")
    response = mike.submit("/debits/new", "/debits/new", {
        "category": "digital_learning", "description": "Labs", "amount": "30.00",
        "split-SO-1001": "10.00", "split-SO-1002": "20.00"})
    assert response.status_code == 302
    debits = api.login("mike").get("/api/v1/debits").get_json()["debits"]
    assert sorted((a["so_number"], a["amount"]) for a in debits[0]["allocations"]) == [
        ("SO-1001", "10.00"), ("SO-1002", "20.00")]


def test_a_refused_debit_shows_the_reason_and_changes_nothing(acme_two_orders, browser):
    mike = browser("mike")
    before = row_counts()
    for data in ({"amount": "12.345"}, {"amount": "5000.00"}, {"amount": "10.00", "split-SO-1001": "3.00"}):
        response = mike.submit("/debits/new", "/debits/new",
                               {"category": "exam_voucher", "description": "Too much", **data})
        assert response.status_code == 422, data
        assert 'class="error' in response.get_data(as_text=True) or "flash error" in response.get_data(as_text=True)
    assert row_counts() == before


def test_own_requests_are_shown_but_not_approvable(acme_two_orders, browser):
    carla = browser("carla")
    carla.submit("/debits/new", "/debits/new", {"category": "exam_voucher", "description": "Mine", "amount": "5.00"})
    queue = carla.get("/approvals").get_data(as_text=True)
    assert "Mine" in queue and "your request" in queue
    assert not re.search(r"/debits/\d+/approve", queue)


def test_select_several_and_approve_at_once(acme_two_orders, browser):
    mike, carla = browser("mike"), browser("carla")
    for n in range(3):
        mike.submit("/debits/new", "/debits/new", {"category": "exam_voucher", "description": f"Exam {n}",
                                                   "amount": "10.00"})
    ids = re.findall(r'name="debit_id" value="(\d+)"', carla.get("/approvals").get_data(as_text=True))
    assert len(ids) == 3
    response = carla.submit("/approvals", "/approvals/approve-selected", {"debit_id": ids[:2]})
    assert response.status_code == 302
    queue = carla.get("/approvals").get_data(as_text=True)
    assert "Exam 2" in queue and "Exam 0" not in queue and "Exam 1" not in queue


def test_a_captain_rejects_with_a_reason(acme_two_orders, browser):
    mike, carla = browser("mike"), browser("carla")
    mike.submit("/debits/new", "/debits/new", {"category": "exam_voucher", "description": "Exam", "amount": "10.00"})
    debit_id = re.search(r"/debits/(\d+)/reject", carla.get("/approvals").get_data(as_text=True)).group(1)
    assert carla.submit("/approvals", f"/debits/{debit_id}/reject", {"reason": "Not in the plan"}).status_code == 302
    assert "Not in the plan" in mike.get("/debits").get_data(as_text=True)
    assert "750.00 CLC" in mike.get("/").get_data(as_text=True)


def test_observers_see_everything_of_their_company_and_change_nothing(acme_two_orders, browser):
    mike, otto = browser("mike"), browser("otto")
    mike.submit("/debits/new", "/debits/new", {"category": "exam_voucher", "description": "Exam", "amount": "10.00"})
    for path in ("/", "/debits", "/approvals", "/reissue-requests", "/statements"):
        assert otto.get(path).status_code == 200, path
    queue = otto.get("/approvals").get_data(as_text=True)
    assert "Exam" in queue and not re.search(r"/debits/\d+/(approve|reject)", queue)
    debit_id = re.search(r"<td data-label=\"#\">(\d+)</td>", mike.get("/debits").get_data(as_text=True)).group(1)
    before = row_counts()
    for action, data in ((f"/debits/{debit_id}/approve", {}), (f"/debits/{debit_id}/reject", {"reason": "x"}),
                         (f"/debits/{debit_id}/cancel", {}), ("/approvals/approve-selected", {"debit_id": debit_id}),
                         ("/debits/new", {"category": "exam_voucher", "description": "x", "amount": "1.00"}),
                         ("/sales-orders/SO-1001/reissue", {"action": "submit"}),
                         ("/admin/companies", {"name": "X", "country": "US", "locale": "en_US"}),
                         ("/admin/sales-orders/SO-1001/activate", {})):
        assert otto.submit("/", action, data).status_code == 403, action
    assert otto.get("/debits/new").status_code == 403
    assert row_counts() == before


def test_other_companies_pages_answer_404(api, acme_two_orders, browser):
    other = api.company("Rheinland Systeme GmbH", country="DE", locale="de_DE")
    api.person("klaus", "captain", other["id"])
    api.sales_order("SO-9001", other["id"], "80.00", booked_on="2026-01-05", invoice_date="2026-01-10")
    statement = api.admin.post("/api/v1/jobs/monthly-statements/run")
    assert statement.status_code == 200
    klaus = browser("klaus")
    for path in ("/sales-orders/SO-1001/reissue", f"/companies/{acme_two_orders['company']['id']}/statements/2026-02.pdf",
                 f"/companies/{acme_two_orders['company']['id']}/statements/2026-02.csv"):
        assert klaus.get(path).status_code == 404, path
    mike = browser("mike")
    debit = mike.submit("/debits/new", "/debits/new", {"category": "exam_voucher", "description": "E", "amount": "1.00"})
    assert debit.status_code == 302
    debit_id = re.search(r"<td data-label=\"#\">(\d+)</td>", mike.get("/debits").get_data(as_text=True)).group(1)
    before = row_counts()
    for action, data in ((f"/debits/{debit_id}/approve", {}), (f"/debits/{debit_id}/reject", {"reason": "x"})):
        response = klaus.submit("/", action, data, follow_redirects=True)
        # Klaus reads German, his company's language (R-TXT-1).
        assert f"Abbuchung {debit_id} gibt es nicht." in response.get_data(as_text=True), action
    assert row_counts() == before
    assert "SO-1001" not in klaus.get("/").get_data(as_text=True)


def test_admins_book_invoice_and_activate_a_sales_order(api, acme_two_orders, browser):
    api.admin
    admin = browser("backoffice")
    company_id = acme_two_orders["company"]["id"]
    page = f"/admin/companies/{company_id}"
    assert admin.submit(page, f"{page}/sales-orders", {"so_number": "SO-7", "credits": "40.00",
                                                       "booked_on": "2026-02-20"}).status_code == 302
    assert admin.submit(page, "/admin/sales-orders/SO-7/invoice", {"invoice_date": "2026-02-25"}).status_code == 302
    assert admin.submit(page, "/admin/sales-orders/SO-7/activate").status_code == 302
    assert "790.00 CLC" in browser("mike").get("/").get_data(as_text=True)


def test_admins_add_people_and_the_last_captain_stays(api, acme_two_orders, browser):
    api.admin
    admin = browser("backoffice")
    company_id = acme_two_orders["company"]["id"]
    page = f"/admin/companies/{company_id}"
    response = admin.submit(page, f"{page}/users", {"username": "nina", "email": "nina@example.com",
                                                     "password": "long-enough-password", "role": "member"})
    assert response.status_code == 302
    carla_id = acme_two_orders["captain"].user.id
    response = admin.submit(page, f"/admin/users/{carla_id}", {f"u{carla_id}-role": "member",
                                                               f"u{carla_id}-active": "y"}, follow_redirects=True)
    assert "at least one active captain" in response.get_data(as_text=True)
    assert api.login("carla").get("/api/v1/me").get_json()["role"] == "captain"


def test_company_people_cannot_open_the_back_office(acme_two_orders, browser):
    assert browser("carla").get("/admin/companies").status_code == 403


def test_the_language_switcher_changes_words_and_number_formats(acme_two_orders, browser):
    mike = browser("mike")
    mike.submit("/", "/language", {"lang": "de", "next": "/"})
    html = mike.get("/").get_data(as_text=True)
    assert 'lang="de"' in html
    assert "Verfügbare Credits" in html and "750,00 CLC" in html


def test_the_site_has_a_favicon(acme_two_orders, browser):
    page = browser("mike")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.get("/").get_data(as_text=True)
    response = page.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml" and b"<svg" in response.data
