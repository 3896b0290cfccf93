"""Idempotency-Key on every creating POST (API.md): walk the OpenAPI document, and for each
operation answering 201 prove that the same key returns the first response and creates nothing."""
from io import BytesIO

import pytest

from tests.helpers import row_counts

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# A valid request for each creating POST, and who may make it. A new creating endpoint makes
# test_every_creating_post_is_covered fail until it is added here.
NOT_IDEMPOTENT = {"/api/v1/auth/tokens"}  # a new token each time: there is no first answer to replay


def _requests(ids):
    return {
        "/api/v1/companies": ("admin", {}, {"name": "Globex", "country": "DE", "locale": "de_DE",
                                            "statement_recipients": ["a@globex.example"]}),
        "/api/v1/users": ("admin", {}, {"username": "newbie", "email": "n@example.com",
                                        "password": "a-long-enough-password", "role": "member",
                                        "company_id": ids["company"]}),
        "/api/v1/sales-orders": ("admin", {}, {"so_number": "SO-NEW", "company_id": ids["company"],
                                               "credits": "5.00", "booked_on": "2026-05-01"}),
        "/api/v1/debits": ("mo", {}, {"amount": "1.00", "category": "exam_voucher", "description": "CCNA"}),
        "/api/v1/debits/{debit_id}/disputes": ("carla", {"debit_id": ids["debit"]}, {"reason": "Never booked."}),
        "/api/v1/sales-orders/{so_number}/reissue-requests": (
            "carla", {"so_number": "SO-OLD"},
            {"justification": "Postponed.", "training_plan": [{"item": "ENCOR", "category": "instructor_led_training",
                                                               "planned_on": "2026-09-01", "credits": "30.00"}]}),
        "/api/v1/people": ("carla", {}, {"name": "Dana Lee", "email": "dana@acme.example"}),
        "/api/v1/people/{person_id}/certifications": (
            "carla", {"person_id": ids["person"]}, {"name": "CCNA", "level": "associate", "earned_on": "2025-03-01"}),
        "/api/v1/people/{person_id}/exams": (
            "carla", {"person_id": ids["person"]}, {"code": "350-401", "kind": "technology_core",
                                                    "passed_on": "2026-06-01"}),
        "/api/v1/ce-items": ("admin", {}, {"code": "SAUTO", "title": "Automating Cisco Solutions", "credits": 24,
                                           "delivery": "vilt"}),
        "/api/v1/ce-claims": ("carla", {}, {"person_id": ids["person"], "ce_item_id": ids["ce_item"],
                                            "completed_on": "2026-06-10", "validation_code": "VAL-2"}),
        "/api/v1/ce-claims/{claim_id}/evidence": ("carla", {"claim_id": ids["claim"]}, "multipart"),
        "/api/v1/people/{owner_id}/calendar-token": ("carla", {"owner_id": ids["person"]}, {}),
        "/api/v1/companies/{owner_id}/calendar-token": ("carla", {"owner_id": ids["company"]}, {}),
        "/api/v1/companies/{company_id}/specializations": (
            "carla", {"company_id": ids["company"]}, {"name": "Collaboration", "type": "technology",
                                                      "approved_on": "2025-09-01"}),
        "/api/v1/specializations/{specialization_id}/points": (
            "carla", {"specialization_id": ids["specialization"]}, {"person_id": ids["person"],
                                                                  "ce_item_id": ids["session"],
                                                                  "on": "2026-06-01", "how": "started"}),
        "/api/v1/specializations/{specialization_id}/renewals": (
            "carla", {"specialization_id": ids["specialization"]}, {"renewed_on": "2026-06-14",
                                                                  "override_reason": "Cisco granted an exception"}),
    }


def _post(actor, url, body, headers, other=False):
    """A JSON body as it is; "multipart" is an evidence file (another file for `other`)."""
    if body == "multipart":
        content = PDF + (b"%another\n" if other else b"")
        return actor.post(url, json=None, data={"file": (BytesIO(content), "certificate.pdf")},
                          content_type="multipart/form-data", headers=headers)
    return actor.post(url, json={**body, "unexpected": 1} if other else body, headers=headers)


def _creating_posts(api):
    spec = api.client.get("/api/v1/openapi.json").get_json()
    return {path: op for path, ops in spec["paths"].items() for method, op in ops.items()
            if method == "post" and "201" in op["responses"]}


@pytest.fixture
def world(api, acme):
    """acme with an active SO, a posted debit, and an SO within its reissue window."""
    company_id = acme["company"]["id"]
    api.sales_order("SO-1", company_id, "100.00")
    debit = acme["mo"].post("/api/v1/debits", json={"amount": "2.00", "category": "exam_voucher",
                                                    "description": "CCNP"}).get_json()
    api.sales_order("SO-OLD", company_id, "30.00", booked_on="2025-06-20", invoice_date="2025-07-01")
    assert debit["status"] == "posted"
    carla = acme["carla"]
    person = carla.post("/api/v1/people", json={"name": "Pat", "email": "pat@acme.example"}).get_json()
    assert carla.post(f"/api/v1/people/{person['id']}/certifications", json={
        "name": "CCNP Enterprise", "level": "professional", "earned_on": "2024-03-01"}).status_code == 201
    item = api.admin.post("/api/v1/ce-items", json={"code": "ENCOR", "title": "ENCOR", "credits": 40,
                                                    "delivery": "ilt"}).get_json()
    claim = carla.post("/api/v1/ce-claims", json={"person_id": person["id"], "ce_item_id": item["id"],
                                                  "completed_on": "2026-06-01"}).get_json()
    unclaimed = api.admin.post("/api/v1/ce-items", json={"code": "PY-REV", "title": "Python review", "credits": 15,
                                                         "delivery": "digital"}).get_json()
    specialization = carla.post(f"/api/v1/companies/{company_id}/specializations", json={
        "name": "Security", "type": "architecture", "approved_on": "2025-09-01"}).get_json()
    session = api.admin.post("/api/v1/ce-items", json={
        "code": "KS-SEC", "title": "Security knowledge session", "credits": 1, "delivery": "knowledge_session",
        "points": 5, "specializations": ["Security"]}).get_json()
    actors = {"admin": api.admin, "carla": carla, "mo": acme["mo"]}
    return actors, {"specialization": specialization["id"], "session": session["id"], "company": company_id,
                    "debit": debit["id"], "person": person["id"], "ce_item": unclaimed["id"],
                    "claim": claim["id"]}


def test_every_creating_post_is_covered_and_documents_the_header(api, world):
    actors, ids = world
    posts = _creating_posts(api)
    assert set(posts) - NOT_IDEMPOTENT == set(_requests(ids))
    for path, op in posts.items():
        names = {parameter["name"] for parameter in op.get("parameters", []) if parameter["in"] == "header"}
        assert ("Idempotency-Key" in names) == (path not in NOT_IDEMPOTENT), path


@pytest.mark.parametrize("path", sorted(_requests(dict.fromkeys(("company", "debit", "person", "ce_item", "claim",
                                                                  "specialization", "session"), 0))))
def test_the_same_key_returns_the_first_response_and_creates_nothing(api, world, path):
    actors, ids = world
    who, values, body = _requests(ids)[path]
    url = path.format(**values)
    headers = {"Idempotency-Key": f"key-{path}"}
    first = _post(actors[who], url, body, headers)
    assert first.status_code == 201, first.get_json()
    after_first = row_counts()
    again = _post(actors[who], url, body, headers)
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert row_counts() == after_first
    other = _post(actors[who], url, body, headers, other=True)
    assert other.status_code == 422  # the same key for another request
    assert row_counts() == after_first


def test_without_a_key_a_retried_reissue_request_is_refused_as_a_duplicate(api, world):
    """Why the key matters: the retry of a request whose answer was lost is a conflict."""
    actors, ids = world
    _who, values, body = _requests(ids)["/api/v1/sales-orders/{so_number}/reissue-requests"]
    url = f"/api/v1/sales-orders/{values['so_number']}/reissue-requests"
    assert actors["carla"].post(url, json=body).status_code == 201
    assert actors["carla"].post(url, json=body).status_code == 409


@pytest.mark.parametrize("key", ["", " ", "k" * 201, "caf\u00e9", "a b", "tab\there"])
def test_an_unusable_key_is_422(api, world, key):
    actors, _ids = world
    before = row_counts()
    response = actors["mo"].post("/api/v1/debits", json={"amount": "1.00", "category": "exam_voucher",
                                                         "description": "x"},
                                 headers={"Idempotency-Key": key.encode("utf-8").decode("latin-1")})
    assert response.status_code == 422
    assert row_counts() == before
