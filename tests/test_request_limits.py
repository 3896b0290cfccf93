"""R-SEC-1: a request body over 1 MB is refused with 413 in the API's error format before it is
read; JSON nested too deeply is refused with 400, also where no token is needed."""
import io

import pytest

from tests.helpers import row_counts

MB = 1024 * 1024


def _padded_debit(size):
    head = b'{"amount": "1.00", "category": "exam_voucher", "description": "'
    tail = b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


@pytest.mark.parametrize("path,authenticated", [("/api/v1/debits", True), ("/api/v1/auth/tokens", False)])
def test_R_SEC_1_a_body_over_one_megabyte_is_413_in_the_error_format(api, acme, path, authenticated):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    before = row_counts()
    headers = {**(acme["mo"].headers if authenticated else {}), "Content-Type": "application/json"}
    response = api.client.post(path, data=_padded_debit(MB + 1), headers=headers)
    assert response.status_code == 413
    body = response.get_json()
    assert body["code"] == 413 and body["status"] == "Request Entity Too Large" and body["message"]
    assert row_counts() == before


def test_R_SEC_1_a_body_without_a_length_is_cut_off_at_one_megabyte(api, acme):
    """Chunked uploads carry no Content-Length: the limit holds while reading."""
    before = row_counts()
    response = api.client.post("/api/v1/auth/tokens", input_stream=io.BytesIO(_padded_debit(2 * MB)),
                               headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                               environ_base={"wsgi.input_terminated": True})  # as gunicorn says for chunked
    assert response.status_code == 413
    assert response.get_json()["code"] == 413
    assert row_counts() == before


def test_a_body_just_under_the_limit_is_read_and_judged_by_the_rules(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    response = acme["mo"].post("/api/v1/debits", data=_padded_debit(MB - 1000),
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 422  # read, then refused: the description is too long
    assert "description" in response.get_json()["errors"]["json"]


def test_R_SEC_1_a_page_form_over_one_megabyte_is_413(api, acme):
    response = api.client.post("/sign-in", data={"username": "x" * (MB + 1), "password": "y"})
    assert response.status_code == 413


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
@pytest.mark.parametrize("path", ["/api/v1/auth/tokens", "/api/v1/debits"])
def test_json_nested_deeper_than_32_levels_is_400_also_without_a_token(api, acme, path, depth):
    before = row_counts()
    body = '{"username": ' + "[" * depth + "]" * depth + ', "password": "x"}'
    response = api.client.post(path, data=body, headers={**acme["mo"].headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "deeper than 32" in response.get_json()["message"]
    assert row_counts() == before


@pytest.mark.parametrize("body", ['{"username": ' + "1" * 5000 + "}", '{"username": "x", "password": NaN}',
                                  '{"username": "\\ud800', b'{"username": "\xff"}'])
def test_json_that_python_cannot_hold_is_400_not_a_500(api, body):
    response = api.client.post("/api/v1/auth/tokens", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["code"] == 400
