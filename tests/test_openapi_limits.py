"""The OpenAPI document states the grammar and the limits (R-MON-2/3, R-TXT-2, R-SEC-1), and
says that /health and the token endpoint need no token."""


def _spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_the_document_states_amounts_dates_ids_and_text_maxima(client):
    schemas = _spec(client)["components"]["schemas"]
    debit = schemas["DebitCreate"]["properties"]
    assert debit["amount"]["pattern"] == r"^[0-9]+(\.[0-9]{1,2})?$"
    assert "999999999.99" in debit["amount"]["description"]
    assert debit["description"]["maxLength"] == 500
    assert debit["event_date"]["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    assert "2099-12-31" in debit["event_date"]["description"]
    company_id = schemas["SalesOrderCreate"]["properties"]["company_id"]
    assert (company_id["minimum"], company_id["maximum"]) == (1, 2**31 - 1)  # what an id column holds
    assert schemas["DisputeCreate"]["properties"]["reason"]["maxLength"] == 1000
    assert schemas["CompanyCreate"]["properties"]["name"]["maxLength"] == 200
    assert schemas["UserCreate"]["properties"]["email"]["maxLength"] == 254
    assert schemas["ReissueRequestCreate"]["properties"]["justification"]["maxLength"] == 500
    assert schemas["PlanLineIn"]["properties"]["item"]["maxLength"] == 500


def test_the_document_states_the_body_depth_and_sign_in_limits(client):
    text = _spec(client)["info"]["description"]
    for words in ("1 MB", "413", "32", "Retry-After", "10 per 15 minutes", "Idempotency-Key"):
        assert words in text, words


def test_path_ids_are_bounded_in_the_document(client):
    parameters = _spec(client)["paths"]["/api/v1/debits/{debit_id}"]["parameters"]
    schema = next(p["schema"] for p in parameters if p["name"] == "debit_id")
    assert (schema["minimum"], schema["maximum"]) == (1, 2**31 - 1)  # larger ones name nothing: 404


def test_health_and_the_token_endpoint_need_no_token_and_say_so(client):
    paths = _spec(client)["paths"]
    assert paths["/api/v1/health"]["get"]["security"] == []
    assert paths["/api/v1/auth/tokens"]["post"]["security"] == []
    assert client.get("/api/v1/health").status_code == 200
    assert "security" not in paths["/api/v1/me"]["get"]  # the document's default: a bearer token
