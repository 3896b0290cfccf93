"""Disputes through the pages: a captain refutes a posted charge, the back office decides."""
import re

from tests.helpers import row_counts


def posted_debit(browser, description="CCNA exam", amount="100.00"):
    """Mike requests, Carla approves: a posted debit; returns its id."""
    mike, carla = browser("mike"), browser("carla")
    response = mike.submit("/debits/new", "/debits/new",
                           {"category": "exam_voucher", "description": description, "amount": amount})
    assert response.status_code == 302
    debit_id = re.search(r"/debits/(\d+)/approve", carla.get("/approvals").get_data(as_text=True)).group(1)
    assert carla.submit("/approvals", f"/debits/{debit_id}/approve").status_code == 302
    return debit_id


def open_dispute_id(person):
    return re.search(r"/disputes/(\d+)\"", person.get("/disputes").get_data(as_text=True)).group(1)


def test_a_captain_disputes_a_charge_and_the_back_office_upholds_it(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    carla = browser("carla")
    assert "650.00 CLC" in carla.get("/").get_data(as_text=True)
    debits = carla.get("/debits").get_data(as_text=True)
    assert f"/debits/{debit_id}/dispute" in debits and f'for="dispute-reason-{debit_id}"' in debits
    response = carla.submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "The class was cancelled"},
                            follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "sent to the back office" in page
    assert "The class was cancelled" in page and "Open" in page
    assert f"/debits/{debit_id}/dispute" not in carla.get("/debits").get_data(as_text=True)  # once at a time

    api.admin
    admin = browser("backoffice")
    queue = admin.get("/admin/disputes").get_data(as_text=True)
    assert "Acme Networks" in queue and "100.00 CLC" in queue and "SO-1001" in queue and "mike" in queue
    dispute_id = re.search(r"/admin/disputes/(\d+)/resolve", queue).group(1)
    response = admin.submit("/admin/disputes", f"/admin/disputes/{dispute_id}/resolve",
                            {"outcome": "upheld", "note": "Refunded by the partner"}, follow_redirects=True)
    assert "upheld: 100.00 CLC returned to Acme Networks" in response.get_data(as_text=True)
    assert "No disputes." in admin.get("/admin/disputes").get_data(as_text=True)

    assert "750.00 CLC" in browser("mike").get("/").get_data(as_text=True)
    mine = carla.get("/disputes").get_data(as_text=True)
    assert "Upheld" in mine and "Refunded by the partner" in mine and "100.00 CLC" in mine
    assert f"/debits/{debit_id}/dispute" not in carla.get("/debits").get_data(as_text=True)  # nothing left to return


def test_a_denied_dispute_changes_no_balance(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    carla = browser("carla")
    carla.submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "Wrong amount"})
    api.admin
    admin = browser("backoffice")
    dispute_id = open_dispute_id(carla)
    assert "Uphold #" in admin.get(f"/disputes/{dispute_id}").get_data(as_text=True)
    response = admin.submit(f"/disputes/{dispute_id}", f"/admin/disputes/{dispute_id}/resolve",
                            {"outcome": "denied", "note": "The invoice matches"}, follow_redirects=True)
    assert "denied; no balance changed" in response.get_data(as_text=True)
    assert "650.00 CLC" in browser("mike").get("/").get_data(as_text=True)
    detail = browser("otto").get(f"/disputes/{dispute_id}").get_data(as_text=True)
    assert "Denied" in detail and "The invoice matches" in detail and "Uphold #" not in detail
    # Denied: the captain may dispute it again.
    assert f"/debits/{debit_id}/dispute" in carla.get("/debits").get_data(as_text=True)


def test_members_and_observers_see_disputes_and_change_nothing(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    browser("carla").submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "Wrong amount"})
    dispute_id = open_dispute_id(browser("carla"))
    for username in ("mike", "otto"):
        person = browser(username)
        page = person.get("/disputes").get_data(as_text=True)
        assert "Wrong amount" in page and "only a team captain disputes" in page
        assert "/dispute\"" not in person.get("/debits").get_data(as_text=True)
        before = row_counts()
        for action, data in ((f"/debits/{debit_id}/dispute", {"reason": "x"}),
                             (f"/admin/disputes/{dispute_id}/resolve", {"outcome": "upheld"})):
            assert person.submit("/", action, data).status_code == 403, (username, action)
        assert row_counts() == before
    assert browser("carla").submit("/", f"/admin/disputes/{dispute_id}/resolve",
                                   {"outcome": "upheld"}).status_code == 403
    assert browser("carla").get("/admin/disputes").status_code == 403


def test_another_companys_dispute_is_not_found(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    browser("carla").submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "Wrong amount"})
    dispute_id = open_dispute_id(browser("carla"))
    other = api.company("Rheinland Systeme GmbH", country="DE", locale="de_DE")
    api.person("klaus", "captain", other["id"])
    klaus = browser("klaus")
    assert klaus.get(f"/disputes/{dispute_id}").status_code == 404
    assert "Wrong amount" not in klaus.get("/disputes").get_data(as_text=True)
    before = row_counts()
    response = klaus.submit("/", f"/debits/{debit_id}/dispute", {"reason": "Mine now"}, follow_redirects=True)
    # Klaus reads German, his company's language (R-TXT-1).
    assert f"Abbuchung {debit_id} gibt es nicht." in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_dispute_posted_without_its_csrf_token_is_refused(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    carla = browser("carla")
    before = row_counts()
    response = carla.client.post(f"/debits/{debit_id}/dispute", data={"reason": "No token"})
    assert response.status_code == 400
    assert row_counts() == before
    carla.submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "With token"})
    dispute_id = open_dispute_id(carla)
    api.admin
    admin = browser("backoffice")
    before = row_counts()
    assert admin.client.post(f"/admin/disputes/{dispute_id}/resolve", data={"outcome": "upheld"}).status_code == 400
    assert row_counts() == before


def test_a_dispute_needs_a_reason_and_a_decision_needs_an_outcome(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    carla = browser("carla")
    before = row_counts()
    response = carla.submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "  "}, follow_redirects=True)
    assert "Say why the charge is wrong" in response.get_data(as_text=True)
    assert row_counts() == before
    carla.submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "Wrong amount"})
    dispute_id = open_dispute_id(carla)
    api.admin
    admin = browser("backoffice")
    before = row_counts()
    response = admin.submit("/admin/disputes", f"/admin/disputes/{dispute_id}/resolve", {"outcome": "maybe"},
                            follow_redirects=True)
    assert "Choose Uphold or Deny" in response.get_data(as_text=True)
    assert row_counts() == before


def test_every_dispute_input_has_a_label(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    carla = browser("carla")
    carla.submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "Wrong amount"})
    api.admin
    pages = [carla.get("/debits").get_data(as_text=True),
             browser("backoffice").get("/admin/disputes").get_data(as_text=True)]
    for html in pages:
        for field_id in re.findall(r'<textarea id="([^"]+)"', html):
            assert f'<label for="{field_id}">' in html, field_id
    assert "<script" not in "".join(pages) and "style=" not in "".join(pages)


def test_the_disputes_pages_speak_german_japanese_and_french(api, acme_two_orders, browser):
    debit_id = posted_debit(browser)
    carla = browser("carla")
    carla.submit("/debits", f"/debits/{debit_id}/dispute", {"reason": "Wrong amount"})
    expected = {"de": ("Einsprüche", "Einspruch #"), "ja": ("異議申し立て", "異議申し立て #"),
                "fr": ("Contestations", "Contestation n°")}
    for lang, words in expected.items():
        carla.submit("/", "/language", {"lang": lang, "next": "/"})
        html = carla.get("/disputes").get_data(as_text=True)
        assert all(word in html for word in words), lang
