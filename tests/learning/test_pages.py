"""The learning pages through the test client: people with progress bars, the claim form with
evidence and prefill from a debit, the captains' review queue, the debit form's CE fields and
at-risk certifications on the home page (R-PPL-2, R-CEC-1..3, R-CEL-1, R-CEL-2, R-CRN-1)."""
from io import BytesIO

import pytest

from tests.web.conftest import Browser, csrf_token

from .conftest import certify, claim

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def signed_in(app):
    def make(username):
        browser = Browser(app)
        assert browser.sign_in(username).status_code == 302
        return browser

    return make


def test_people_page_shows_certifications_with_progress_bars_members_see_only_themselves(api, roster, catalog, signed_in):
    carla = roster["carla"]
    certify(carla, roster["pat"]["id"], "CCNP Enterprise", "professional", "2024-03-01")
    certify(carla, roster["quinn"]["id"], "CCNA", "associate", "2024-02-29")
    claim(carla, roster["quinn"]["id"], catalog["encor"]["id"], "2026-06-01")
    page = signed_in("carla").get("/people").get_data(as_text=True)
    assert "CCNP Enterprise" in page and "CCNA" in page and "<progress" in page
    assert 'max="80" value="0"' in page and "pending 40" in page
    member = signed_in("mo").get("/people").get_data(as_text=True)
    assert "Pat" in member and "Quinn" not in member
    assert signed_in("mo").get(f"/people/{roster['quinn']['id']}").status_code == 404


def test_a_captain_adds_a_person_and_a_certification_from_the_pages(roster, signed_in):
    carla = signed_in("carla")
    added = carla.submit("/people", "/people", {"name": "Rae", "email": "rae@acme.example"})
    assert added.status_code == 302
    person_page = added.headers["Location"]
    recorded = carla.submit(person_page, person_page, {"name": "CCNA", "level": "associate", "earned_on": "2025-01-01"})
    assert recorded.status_code == 302
    assert "expires on" in carla.get(person_page).get_data(as_text=True)


def test_claim_form_with_evidence_then_the_review_queue(api, roster, catalog, signed_in):
    carla, pat = roster["carla"], roster["pat"]["id"]
    certify(carla, pat)
    mo = signed_in("mo")
    page = f"/people/{pat}"
    html = mo.get(page).get_data(as_text=True)
    sent = mo.client.post(f"/people/{pat}/claims", data={
        "csrf_token": csrf_token(html), "ce_item_id": str(catalog["encor"]["id"]), "completed_on": "2026-06-01",
        "file": (BytesIO(PDF), "certificate.pdf")}, content_type="multipart/form-data")
    assert sent.status_code == 302
    followed = mo.get(page).get_data(as_text=True)
    assert "pending review" in followed
    late = mo.client.post(f"/people/{pat}/claims", data={
        "csrf_token": csrf_token(html), "ce_item_id": str(catalog["python"]["id"]), "completed_on": "2026-03-16"})
    assert "closed on 2026-06-14" in mo.get(page).get_data(as_text=True)
    del late
    queue = signed_in("dana").get("/claims/review").get_data(as_text=True)
    assert "certificate.pdf" in queue and "ENCOR" in queue
    download = signed_in("dana").get("/claims/1/evidence/1")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    other = api.company("Globex")
    api.person("gina", "captain", other["id"])
    assert signed_in("gina").get("/claims/1/evidence/1").status_code == 404
    dana = signed_in("dana")
    decided = dana.submit("/claims/review", "/claims/1/earn")
    assert decided.status_code == 302
    assert "No claim is waiting for review." in dana.get("/claims/review").get_data(as_text=True)
    assert signed_in("mo").get("/claims/review").status_code == 404


def test_the_debit_form_takes_a_ce_item_and_attendees_and_the_claim_form_is_prefilled(api, roster, catalog, signed_in):
    carla, pat = roster["carla"], roster["pat"]["id"]
    certify(carla, pat)
    api.sales_order("SO-5", roster["company"]["id"], "300.00")
    browser = signed_in("carla")
    form = browser.get("/debits/new").get_data(as_text=True)
    assert 'name="ce_item_id"' in form and f'id="attendee-{pat}"' in form
    sent = browser.client.post("/debits/new", data={
        "csrf_token": csrf_token(form), "category": "instructor_led_training", "description": "ENCOR for Pat",
        "amount": "40.00", "event_date": "2026-06-10", "ce_item_id": str(catalog["encor"]["id"]), "seats": "1",
        "attendees": [str(pat)]})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    [planned] = carla.get("/api/v1/ce-claims?status=planned").get_json()["claims"]
    assert planned["person_id"] == pat
    prefilled = browser.get(f"/people/{pat}?debit_id={planned['debit_id']}").get_data(as_text=True)
    assert 'value="2026-06-10"' in prefilled and f'<option value="{planned["id"]}" selected>' in prefilled


def test_home_shows_at_risk_certifications(api, roster, signed_in):
    certify(roster["carla"], roster["pat"]["id"], "CCNA", "associate", "2023-09-01")
    home = signed_in("carla").get("/").get_data(as_text=True)
    assert "Certifications at risk" in home and "30 CE credits still missing" in home


def test_pages_in_german(api, roster, signed_in):
    certify(roster["carla"], roster["pat"]["id"], "CCNA", "associate", "2023-09-01")
    browser = signed_in("carla")
    page = browser.get("/people", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Personen und Zertifizierungen" in page
