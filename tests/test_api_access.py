"""Every foundation endpoint: 401 without a token, 403 for a wrong role, 403 before terms,
404 across companies (R-ACC-4), 422 on bad input with nothing written (R-MON-2)."""
import pytest

from .helpers import row_counts

# (method, path template, body, roles allowed). {own} / {other} are company ids, {so} an SO of
# the caller's company, {other_so} one of another company, {user} a user of the other company.
ENDPOINTS = [
    ("get", "/api/v1/companies/{own}", None, "any"),
    ("post", "/api/v1/companies", {"name": "X", "country": "US", "locale": "en_US"}, "admin"),
    ("get", "/api/v1/users?company_id={own}", None, ("admin", "captain")),
    ("post", "/api/v1/users", {"username": "zed", "email": "z@example.com", "password": "long-enough-1",
                               "role": "member", "company_id": 1}, "admin"),
    ("get", "/api/v1/users/{own_user}", None, ("admin", "captain")),
    ("patch", "/api/v1/users/{own_user}", {"email": "new@example.com"}, "admin"),
    ("post", "/api/v1/sales-orders", {"so_number": "SO-9", "company_id": 1, "credits": "5.00",
                                      "booked_on": "2026-01-01"}, "admin"),
    ("get", "/api/v1/sales-orders/{so}", None, "any"),
    ("post", "/api/v1/sales-orders/{booked_so}/invoice", {"invoice_date": "2026-02-01"}, "admin"),
    ("post", "/api/v1/sales-orders/{invoiced_so}/activate", None, "admin"),
    ("get", "/api/v1/companies/{own}/balance", None, "any"),
    ("get", "/api/v1/companies/{own}/ledger", None, "any"),
]

CROSS_COMPANY = [
    ("get", "/api/v1/companies/{other}"),
    ("get", "/api/v1/companies/{other}/balance"),
    ("get", "/api/v1/companies/{other}/ledger"),
    ("get", "/api/v1/sales-orders/{other_so}"),
    ("get", "/api/v1/users/{other_user}"),
    ("get", "/api/v1/users?company_id={other}"),
]


@pytest.fixture
def world(api):
    acme = api.company("Acme Networks")
    globex = api.company("Globex Corp", country="DE", locale="de_DE")
    people = {
        "captain": api.person("carla", "captain", acme["id"]),
        "member": api.person("mo", "member", acme["id"]),
        "observer": api.person("obi", "observer", acme["id"]),
        "newcomer": api.person("nina", "member", acme["id"], accept_terms=False),
        "other_captain": api.person("gus", "captain", globex["id"]),
        "admin": api.admin,
    }
    api.sales_order("SO-1", acme["id"])
    api.sales_order("SO-2", globex["id"])
    api.sales_order("SO-3", acme["id"], invoice_date=None, activate=False)
    api.sales_order("SO-4", acme["id"], activate=False)
    ids = {"own": acme["id"], "other": globex["id"], "so": "SO-1", "other_so": "SO-2", "booked_so": "SO-3",
           "invoiced_so": "SO-4", "own_user": people["member"].user.id, "other_user": people["other_captain"].user.id}
    return people, ids


def _call(actor_or_client, method, path, body):
    return getattr(actor_or_client, method)(path, json=body)


@pytest.mark.parametrize("method,path,body,allowed", ENDPOINTS, ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_without_a_token_every_endpoint_is_401(world, api, method, path, body, allowed):
    _, ids = world
    response = getattr(api.client, method)(path.format(**ids), json=body)
    assert response.status_code == 401
    assert response.get_json()["status"] == "Unauthorized"


@pytest.mark.parametrize("method,path,body,allowed", ENDPOINTS, ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_before_the_terms_every_endpoint_is_403(world, method, path, body, allowed):
    people, ids = world
    before = row_counts()
    response = _call(people["newcomer"], method, path.format(**ids), body)
    assert response.status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("method,path,body,allowed", [e for e in ENDPOINTS if e[3] != "any"],
                         ids=[f"{m} {p}" for m, p, _, a in ENDPOINTS if a != "any"])
@pytest.mark.parametrize("role", ["member", "observer", "captain"])
def test_a_wrong_role_is_403_and_changes_nothing(world, method, path, body, allowed, role):
    people, ids = world
    allowed = (allowed,) if isinstance(allowed, str) else allowed
    if role in allowed:
        pytest.skip(f"{role} may call this")
    before = row_counts()
    response = _call(people[role], method, path.format(**ids), body)
    assert response.status_code == 403, response.get_json()
    assert row_counts() == before


@pytest.mark.parametrize("method,path", CROSS_COMPANY, ids=[p for _, p in CROSS_COMPANY])
def test_R_ACC_4_another_companys_objects_answer_exactly_like_absent_ones(world, method, path):
    people, ids = world
    other = getattr(people["captain"], method)(path.format(**ids))
    absent_ids = {**ids, "other": 999999, "other_so": "SO-NOPE", "other_user": 999999}
    absent = getattr(people["captain"], method)(path.format(**absent_ids))
    assert other.status_code == absent.status_code == 404
    assert other.get_json().keys() == absent.get_json().keys()
    assert other.get_json()["status"] == absent.get_json()["status"] == "Not Found"


BAD_INPUT = [
    ("post", "/api/v1/companies", {"name": "", "country": "US"}),
    ("post", "/api/v1/companies", {"name": "X", "country": "USA"}),
    ("post", "/api/v1/companies", {"name": "X", "country": "ZZ"}),
    ("post", "/api/v1/companies", {"name": "X", "country": "US", "locale": "xx_NOPE"}),
    ("post", "/api/v1/companies", {"name": "X", "country": "US", "statement_recipients": ["not-an-email"]}),
    ("post", "/api/v1/companies", {"name": "X", "country": "US", "surprise": 1}),
    ("post", "/api/v1/users", {"username": "zed", "email": "z@example.com", "password": "short", "role": "member",
                               "company_id": "{own}"}),
    ("post", "/api/v1/users", {"username": "zed", "email": "z@example.com", "password": "long-enough-1",
                               "role": "wizard", "company_id": "{own}"}),
    ("post", "/api/v1/users", {"username": "zed", "email": "z@example.com", "password": "long-enough-1",
                               "role": "member"}),
    ("post", "/api/v1/users", {"username": "zed", "email": "z@example.com", "password": "long-enough-1",
                               "role": "member", "company_id": 999999}),
    ("post", "/api/v1/users", {"username": "zed", "email": "z@example.com", "password": "long-enough-1",
                               "role": "admin", "company_id": "{own}"}),
    ("patch", "/api/v1/users/{own_user}", {"role": "wizard"}),
    ("patch", "/api/v1/users/{own_user}", {"role": "admin"}),
    ("post", "/api/v1/sales-orders", {"so_number": "SO-9", "company_id": "{own}", "credits": "0",
                                      "booked_on": "2026-01-01"}),
    ("post", "/api/v1/sales-orders", {"so_number": "SO-9", "company_id": 999999, "credits": "5",
                                      "booked_on": "2026-01-01"}),
    ("post", "/api/v1/sales-orders", {"so_number": "SO 9!", "company_id": "{own}", "credits": "5",
                                      "booked_on": "2026-01-01"}),
    ("post", "/api/v1/sales-orders", {"so_number": "SO-9", "company_id": "{own}", "credits": "5",
                                      "booked_on": "2026-13-01"}),
    ("post", "/api/v1/sales-orders/{booked_so}/invoice", {"invoice_date": "2025-01-01"}),
    ("post", "/api/v1/sales-orders/{booked_so}/invoice", {"invoice_date": "tomorrow"}),
    ("post", "/api/v1/sales-orders/{booked_so}/invoice", {}),
]


def _fill(value, ids):
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize("method,path,body", BAD_INPUT, ids=[f"{m} {p} {sorted(b.items())}" for m, p, b in BAD_INPUT])
def test_bad_input_is_422_with_field_errors_and_changes_nothing(world, api, method, path, body):
    _, ids = world
    before = row_counts()
    response = getattr(api.admin, method)(path.format(**ids), json=_fill(body, ids))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert error["code"] == 422 and error["status"] == "Unprocessable Entity" and error["message"]
    assert row_counts() == before
