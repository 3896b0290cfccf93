"""Errors come in the format of API.md for every status."""
from flask import Blueprint


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "status": "Not Found", "message": response.get_json()["message"],
                                   "error": "not_found"}


def test_wrong_method_is_a_json_405_with_allow(client):
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.get_json()["status"] == "Method Not Allowed"
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_400_and_changes_nothing(api):
    response = api.admin.post("/api/v1/companies", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json() == {"code": 400, "status": "Bad Request", "message": "The request body is not valid JSON.",
                                   "error": "malformed_json"}


def test_json_numbers_are_read_exactly_not_as_floats(api):
    company = api.company()
    response = api.admin.post("/api/v1/sales-orders", json=None, data=(
        '{"so_number": "SO-1", "company_id": %d, "credits": 0.1, "booked_on": "2026-01-01"}' % company["id"]),
        headers={"Content-Type": "application/json"})
    assert response.status_code == 201
    assert response.get_json()["credits"] == "0.10"
    refused = api.admin.post("/api/v1/sales-orders", data=(
        '{"so_number": "SO-2", "company_id": %d, "credits": 12.345, "booked_on": "2026-01-01"}' % company["id"]),
        headers={"Content-Type": "application/json"})
    assert refused.status_code == 422
    assert "2 decimals" in refused.get_json()["errors"]["json"]["credits"][0]


def test_NaN_in_json_is_refused(api):
    company = api.company()
    response = api.admin.post("/api/v1/sales-orders", data=(
        '{"so_number": "SO-1", "company_id": %d, "credits": NaN, "booked_on": "2026-01-01"}' % company["id"]),
        headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert api.admin.get("/api/v1/sales-orders/SO-1").status_code == 404


def test_an_unexpected_error_is_a_json_500_that_reveals_nothing(app_config):
    from clc_ledger import create_app

    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})
    boom = Blueprint("boom", __name__)

    @boom.get("/api/v1/boom")
    def explode():
        raise RuntimeError("secret internals")

    app.register_blueprint(boom)
    response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == 500 and body["status"] == "Internal Server Error"
    assert "secret" not in body["message"]


def test_the_openapi_document_and_docs_page_are_served_without_a_token(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["title"] == "CLC Ledger API"
    assert "/api/v1/debits" in spec["paths"] or "/api/v1/sales-orders/{so_number}" in spec["paths"]
    credits = spec["components"]["schemas"]["SalesOrderOut"]["properties"]["credits"]
    assert credits["type"] == "string"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/api/v1/docs-assets/swagger-ui-bundle.js" in docs.data
    assert client.get("/api/v1/docs-assets/swagger-ui-bundle.js").status_code == 200
