"""Schemathesis against the OpenAPI document: every operation, with valid and invalid requests
generated from the document, as two tenants' captains and members and an admin. Nothing may
answer 5xx, and every error must be in the API's error format (API.md). Bounded in examples per
operation and derandomized, so it runs the same way in CI in well under a couple of minutes."""
import os
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

EXAMPLES_PER_OPERATION = int(os.environ.get("CLC_SCHEMATHESIS_EXAMPLES", 20))
SKIPPED = {
    ("DELETE", "/api/v1/auth/tokens"),  # would revoke the very token the run uses
    ("PUT", "/api/v1/testing/clock"), ("DELETE", "/api/v1/testing/clock"),  # test-only; time is held still
}


@pytest.fixture
def tenants(api):
    """Two companies, each with a captain and a member, an active SO and a posted debit."""
    api.set_clock("2026-06-15T19:00:00+00:00")
    actors = {"admin": api.admin}
    for letter, name in (("a", "Acme Networks"), ("b", "Globex")):
        company = api.company(name)
        actors[f"{letter}-captain"] = api.person(f"{letter}captain", "captain", company["id"])
        actors[f"{letter}-member"] = api.person(f"{letter}member", "member", company["id"])
        api.sales_order(f"SO-{letter.upper()}1", company["id"], "100.00")
        actors[f"{letter}-member"].post("/api/v1/debits", json={"amount": "1.00", "category": "exam_voucher",
                                                                "description": "seed"})
    return actors


def _error_format_problem(response):
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return "error body is not JSON"
    if not isinstance(body, dict) or body.get("code") != response.status_code or not body.get("status") \
            or not isinstance(body.get("message"), str) or not body["message"]:
        return f"error body not in the error format: {str(body)[:200]}"
    if "errors" in body and not isinstance(body["errors"], dict):
        return "errors is not an object"
    return None


def test_no_generated_request_gets_a_5xx_or_an_error_outside_the_format(app, tenants):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if (op.method.upper(), op.path) not in SKIPPED]
    # Deactivating people revokes their tokens: that operation goes last.
    operations.sort(key=lambda op: (op.method.upper(), op.path) == ("PATCH", "/api/v1/users/{user_id}"))
    assert len(operations) > 25
    failures, calls = [], []
    chooser = random.Random(16)

    for operation in operations:
        strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                             operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=not os.environ.get("CLC_SCHEMATHESIS_EXPLORE"),
                  suppress_health_check=list(HealthCheck), phases=["generate"])
        @given(case=strategy)
        def run(case):
            who = chooser.choice(sorted(tenants))
            response = case.call(headers={"Authorization": f"Bearer {tenants[who].token}"})
            calls.append(response.status_code)
            problem = "server error" if response.status_code >= 500 else _error_format_problem(response)
            if problem:
                failures.append((problem, who, case.method, case.formatted_path, case.query, case.body,
                                 response.status_code, response.text[:300]))

        run()
    assert calls, "nothing was generated"
    assert not failures, "\n".join(map(repr, failures[:20]))
