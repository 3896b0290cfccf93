"""The paths and methods of ../shared/API.md are a contract: each is in the OpenAPI document."""
import pytest

CONTRACT = [
    ("post", "/api/v1/auth/tokens"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/me/terms-acceptance"),
    ("post", "/api/v1/companies"),
    ("get", "/api/v1/companies/{company_id}"),
    ("post", "/api/v1/users"),
    ("patch", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/sales-orders"),
    ("post", "/api/v1/sales-orders/{so_number}/invoice"),
    ("post", "/api/v1/sales-orders/{so_number}/activate"),
    ("post", "/api/v1/jobs/{name}/run"),
    ("get", "/api/v1/sales-orders/{so_number}"),
    ("get", "/api/v1/companies/{company_id}/balance"),
    ("get", "/api/v1/companies/{company_id}/ledger"),
    ("post", "/api/v1/debits"),
    ("get", "/api/v1/debits"),
    ("get", "/api/v1/debits/{debit_id}"),
    ("post", "/api/v1/debits/{debit_id}/approve"),
    ("post", "/api/v1/debits/{debit_id}/reject"),
    ("post", "/api/v1/debits/{debit_id}/cancel"),
    ("post", "/api/v1/debits/{debit_id}/disputes"),
    ("post", "/api/v1/disputes/{dispute_id}/resolve"),
    ("post", "/api/v1/sales-orders/{so_number}/reissue-requests"),
    ("get", "/api/v1/reissue-requests/{request_id}"),
    ("post", "/api/v1/reissue-requests/{request_id}/approve"),
    ("post", "/api/v1/reissue-requests/{request_id}/reject"),
    ("get", "/api/v1/companies/{company_id}/statements"),
    ("get", "/api/v1/companies/{company_id}/statements/{period}"),
    ("put", "/api/v1/testing/clock"),
    ("delete", "/api/v1/testing/clock"),
]


@pytest.fixture(scope="module")
def spec_paths(app_config_module):
    from clc_ledger import create_app

    app = create_app(app_config_module)
    return {path.replace("<", "{").replace(">", "}"): methods
            for path, methods in app.test_client().get("/api/v1/openapi.json").get_json()["paths"].items()}


@pytest.fixture(scope="module")
def app_config_module(tmp_path_factory):
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('c') / 'c.sqlite3'}"}


@pytest.mark.parametrize("method,path", CONTRACT, ids=[f"{m} {p}" for m, p in CONTRACT])
def test_every_contract_endpoint_is_served_and_documented(spec_paths, method, path):
    assert path in spec_paths, sorted(spec_paths)
    assert method in spec_paths[path]
