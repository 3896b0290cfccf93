"""Every refusal the API gives is worded in the reader's language, with its stable code and
values beside it (R-TXT-1, API.md "Language"): German, Japanese and French readers get no
English sentence, amounts and dates come formatted by Babel, and no rule id shows."""
import re
from datetime import date

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal

from .helpers import PASSWORD

# Words that give an English sentence away. Brand names and data (SO numbers, usernames,
# codes) are removed first; "credits" and "captain" are left out because German uses them.
ENGLISH = {"the", "is", "are", "not", "only", "no", "such", "requested", "available", "insufficient", "already",
           "cannot", "must", "order", "orders", "sales", "debit", "dispute", "reissue", "request", "company",
           "approve", "approves", "rejected", "expired", "booked", "pending", "posted", "unknown", "invalid",
           "required", "split", "adds", "category", "paid", "training", "role", "nobody", "themselves", "with",
           "and", "of", "for", "from", "has", "have", "be", "can", "this", "your", "needs", "there", "nothing",
           "address", "valid", "first", "accept", "terms", "fields", "period", "statement",
           "named", "taken", "does", "exist", "outcome", "upheld", "denied", "country", "reason", "say", "why"}
BRANDS = ("Cisco Learning Credits", "Learning Credits", "Learning Network Store", "Cisco Modeling Labs",
          "Cisco Live", "Idempotency-Key", "Learning Partner", "Cisco", "CLC", "YYYY-MM", "ISO 3166 alpha-2",
          "ISO 3166 Alpha-2", "JSON", "Bearer", "POST /api/v1/me/terms-acceptance")


def english_words(body):
    text = body["message"]
    for value in _flat(body.get("values")):
        text = text.replace(value, " ")
    for brand in BRANDS:
        text = text.replace(brand, " ")
    return sorted({word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH})


def _flat(values):
    if isinstance(values, dict):
        values = list(values.values())
    for value in values or ():
        if isinstance(value, list):
            yield from (str(v) for v in value)
        elif value is not None:
            yield str(value)


def plan(total, planned_on="2027-01-20", category="instructor_led_training"):
    return {"justification": "Migration project.",
            "training_plan": [{"item": "CCNP ENCOR", "category": category, "planned_on": planned_on,
                               "credits": total}]}


def provoke_every_refusal(api, lang):
    """{error code: response} for every rule refusal the API gives, asked in `lang`."""
    h = {"Accept-Language": lang}
    api.set_clock("2026-06-15T19:00:00+00:00")
    acme = api.company("Acme Networks", approval=True)
    carla = api.person("carla", "captain", acme["id"])
    dana = api.person("dana", "captain", acme["id"])
    mo = api.person("mo", "member", acme["id"])
    lone = api.company("Lone Co")
    solo = api.person("solo", "captain", lone["id"])
    api.sales_order("SO-1", acme["id"], "121.00")
    api.sales_order("SO-BOOKED", acme["id"], "50.00", invoice_date=None, activate=False)
    api.sales_order("SO-OLD", acme["id"], "10.00", booked_on="2025-01-02", invoice_date="2025-01-05", activate=False)
    admin = api.admin
    got = {}

    def debit(actor, amount, **extra):
        return actor.post("/api/v1/debits", json={"amount": amount, "category": "instructor_led_training",
                                                  "description": "CCNA course", **extra}, headers=h)

    got["insufficient_credits"] = debit(mo, "500.00")
    got["split_mismatch"] = debit(mo, "5.00", allocations=[{"so_number": "SO-1", "amount": "4.00"}])
    got["split_duplicate"] = debit(mo, "8.00", allocations=[{"so_number": "SO-1", "amount": "4.00"},
                                                            {"so_number": "SO-1", "amount": "4.00"}])
    got["split_unknown_sales_order"] = debit(mo, "4.00", allocations=[{"so_number": "SO-NONE", "amount": "4.00"}])
    got["sales_order_not_spendable"] = debit(mo, "4.00", allocations=[{"so_number": "SO-BOOKED", "amount": "4.00"}])
    got["insufficient_credits_on_sales_order"] = debit(
        mo, "1300.00", allocations=[{"so_number": "SO-1", "amount": "1300.00"}])
    got["category_not_eligible"] = mo.post("/api/v1/debits", json={
        "amount": "1.00", "category": "travel", "description": "Flight"}, headers=h)
    got["invalid_fields"] = debit(mo, "1.234")

    own = debit(carla, "10.00").get_json()["id"]
    got["self_approval"] = carla.post(f"/api/v1/debits/{own}/approve", headers=h)
    got["requester_only"] = dana.post(f"/api/v1/debits/{own}/cancel", headers=h)
    got["debit_not_posted"] = carla.post(f"/api/v1/debits/{own}/disputes", json={"reason": "Wrong"}, headers=h)
    assert dana.post(f"/api/v1/debits/{own}/approve").status_code == 200
    got["debit_not_pending"] = dana.post(f"/api/v1/debits/{own}/approve", headers=h)
    dispute = carla.post(f"/api/v1/debits/{own}/disputes", json={"reason": "Wrong"}).get_json()["id"]
    got["already_disputed"] = carla.post(f"/api/v1/debits/{own}/disputes", json={"reason": "Again"}, headers=h)
    assert admin.post(f"/api/v1/disputes/{dispute}/resolve", json={"outcome": "denied", "note": "ok"}).status_code == 200
    got["dispute_resolved"] = admin.post(f"/api/v1/disputes/{dispute}/resolve",
                                         json={"outcome": "denied", "note": "ok"}, headers=h)
    got["debit_not_found"] = carla.get("/api/v1/debits/999999", headers=h)
    got["dispute_not_found"] = admin.post("/api/v1/disputes/999999/resolve", json={"outcome": "denied"}, headers=h)
    got["wrong_role"] = mo.post("/api/v1/companies", json={"name": "X", "country": "US", "locale": "en_US"}, headers=h)

    def company(**fields):
        return admin.post("/api/v1/companies", json={"name": "New Co", "country": "US", "locale": "en_US",
                                                     "captain_approval_required": False, **fields}, headers=h)

    got["country_not_cleared"] = company(country="KP")
    got["unknown_country"] = company(country="XX")
    got["unknown_locale"] = company(locale="xx_YY")
    got["company_not_found"] = admin.get("/api/v1/companies/999999", headers=h)

    def user(username, role="member", company_id=acme["id"]):
        return admin.post("/api/v1/users", json={"username": username, "email": f"{username}@example.com",
                                                 "password": PASSWORD, "role": role, "company_id": company_id},
                          headers=h)

    got["username_taken"] = user("mo")
    got["unknown_company"] = user("nobody", company_id=999999)
    got["admin_without_company"] = user("boss", role="admin")
    got["last_captain"] = admin.patch(f"/api/v1/users/{solo.user.id}", json={"role": "member"}, headers=h)
    got["role_change_across"] = admin.patch(f"/api/v1/users/{mo.user.id}", json={"role": "admin"}, headers=h)
    got["user_not_found"] = admin.patch("/api/v1/users/999999", json={"active": False}, headers=h)

    got["sales_order_exists"] = admin.post("/api/v1/sales-orders", json={
        "so_number": "SO-1", "company_id": acme["id"], "credits": "1.00", "booked_on": "2026-01-05"}, headers=h)
    got["sales_order_not_booked"] = admin.post("/api/v1/sales-orders/SO-1/invoice",
                                               json={"invoice_date": "2026-02-01"}, headers=h)
    got["invoice_before_booking"] = admin.post("/api/v1/sales-orders/SO-BOOKED/invoice",
                                               json={"invoice_date": "2025-12-01"}, headers=h)
    got["sales_order_not_invoiced"] = admin.post("/api/v1/sales-orders/SO-BOOKED/activate", headers=h)
    got["sales_order_expired"] = admin.post("/api/v1/sales-orders/SO-OLD/activate", headers=h)
    got["sales_order_not_found"] = carla.get("/api/v1/sales-orders/SO-NONE", headers=h)
    got["reissue_window"] = carla.post("/api/v1/sales-orders/SO-1/reissue-requests", json=plan("111.00"), headers=h)

    api.set_clock("2026-12-01T19:00:00+00:00")  # inside SO-1's reissue window
    url = "/api/v1/sales-orders/SO-1/reissue-requests"
    got["training_plan_total"] = carla.post(url, json=plan("100.00"), headers=h)
    got["training_plan_ineligible"] = carla.post(url, json=plan("111.00", category="lodging"), headers=h)
    request_id = carla.post(url, json=plan("111.00")).get_json()["id"]
    got["reissue_already_requested"] = carla.post(url, json=plan("111.00"), headers=h)
    assert admin.post(f"/api/v1/reissue-requests/{request_id}/reject", json={"reason": "No"}).status_code == 200
    got["reissue_request_not_submitted"] = admin.post(f"/api/v1/reissue-requests/{request_id}/approve", headers=h)
    got["reissue_request_not_found"] = admin.post("/api/v1/reissue-requests/999999/approve", headers=h)
    got["reissue_so_status"] = carla.post("/api/v1/sales-orders/SO-BOOKED/reissue-requests",
                                          json=plan("50.00"), headers=h)
    got["statement_not_found"] = carla.get(f"/api/v1/companies/{acme['id']}/statements/2026-10", headers=h)
    got["job_not_found"] = admin.post("/api/v1/jobs/no-such-job/run", headers=h)
    key = {**h, "Idempotency-Key": "k-1"}
    mo.post("/api/v1/debits", json={"amount": "1.00", "category": "exam_voucher", "description": "A"}, headers=key)
    got["idempotency_key_reused"] = mo.post("/api/v1/debits", json={
        "amount": "2.00", "category": "exam_voucher", "description": "B"}, headers=key)
    got["unauthorized"] = api.client.get("/api/v1/me", headers={**h, "Authorization": "Bearer nonsense"})
    newcomer = api.person("newbie", "member", acme["id"], accept_terms=False)
    got["terms_not_accepted"] = newcomer.get("/api/v1/debits", headers=h)
    return got


@pytest.mark.parametrize("lang", ["de", "ja", "fr"])
def test_every_refusal_is_worded_in_the_readers_language(api, lang):
    responses = provoke_every_refusal(api, lang)
    for code, response in responses.items():
        body = response.get_json()
        assert response.status_code >= 400, (code, body)
        assert body["error"] == code, (code, body)
        assert english_words(body) == [], (code, body["message"])
        assert not re.search(r"R-[A-Z]{3}-\d", body["message"]), (code, body["message"])


@pytest.mark.parametrize("lang, requested, available", [
    ("de", "500,00 CLC", "121,00 CLC"),
    ("fr", "500,00 CLC", "121,00 CLC"),
    ("ja", "500.00 CLC", "121.00 CLC"),
])
def test_amounts_and_dates_are_formatted_for_the_reader(api, lang, requested, available):
    responses = provoke_every_refusal(api, lang)
    body = responses["insufficient_credits"].get_json()
    assert body["values"] == {"requested": "500.00", "available": "121.00"}
    assert requested in body["message"] and available in body["message"], body["message"]
    body = responses["reissue_window"].get_json()
    first = format_date(date(2026, 11, 11), "medium", locale=lang)
    assert first in body["message"] and body["values"]["first"] == "2026-11-11", body["message"]
    big = responses["insufficient_credits_on_sales_order"].get_json()["message"]
    assert format_decimal(1300, "#,##0.00", locale=lang) in big, big
    country = responses["country_not_cleared"].get_json()["message"]
    assert {"de": "Nordkorea", "fr": "Corée du Nord", "ja": "北朝鮮"}[lang] in country, country


def test_english_stays_english_and_names_no_rule_id(api):
    responses = provoke_every_refusal(api, "en")
    assert responses["self_approval"].get_json()["message"] == "Nobody approves a debit they requested themselves."
    assert responses["insufficient_credits"].get_json()["message"] == (
        "Insufficient credits: 500.00 CLC requested, 121.00 CLC available.")
    for response in responses.values():
        assert "(R-" not in response.get_json()["message"]


def test_without_accept_language_the_api_speaks_the_users_company_language(api):
    api.set_clock("2026-06-15T19:00:00+00:00")
    company = api.company("Müller GmbH", country="DE", locale="de_DE")
    hans = api.person("hans", "member", company["id"])
    body = hans.post("/api/v1/debits", json={"amount": "5.00", "category": "instructor_led_training",
                                            "description": "Kurs"}).get_json()
    assert body["error"] == "insufficient_credits"
    assert body["message"] == "Nicht genügend Credits: 5,00 CLC angefordert, 0,00 CLC verfügbar."
    english = hans.post("/api/v1/debits", json={"amount": "5.00", "category": "instructor_led_training",
                                               "description": "Kurs"}, headers={"Accept-Language": "en"})
    assert english.get_json()["message"].startswith("Insufficient credits")


@pytest.mark.parametrize("lang, words", [("de", "Unter dieser Adresse gibt es nichts."),
                                         ("ja", "このアドレスには何もありません。"),
                                         ("fr", "Il n’y a rien à cette adresse.")])
def test_error_pages_are_in_the_readers_language(client, lang, words):
    response = client.get("/no-such-page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert words in page and "requested URL was not found" not in page
