"""Sales orders: book, invoice, activate (R-SO-1..3), balances as exact strings."""
from ..helpers import ledger_sum, row_counts


def test_R_SO_1_to_3_an_sales_order_is_booked_invoiced_and_activated(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    api.set_clock("2026-01-12T18:00:00+00:00")
    booked = api.admin.post("/api/v1/sales-orders", json={
        "so_number": "SO-104233", "company_id": company["id"], "credits": "25.50", "booked_on": "2026-01-05"})
    assert booked.status_code == 201
    body = booked.get_json()
    assert body["status"] == "booked" and body["credits"] == "25.50" and body["available"] == "0.00"
    assert body["expected_available_by"] == "2026-01-14"  # R-SO-2: 7 business days after Mon 5 Jan
    invoiced = api.admin.post("/api/v1/sales-orders/SO-104233/invoice", json={"invoice_date": "2026-01-09"})
    assert invoiced.status_code == 200
    assert invoiced.get_json()["expires_on"] == "2027-01-09"  # R-SO-3: + 365 days
    assert invoiced.get_json()["status"] == "invoiced"
    activated = api.admin.post("/api/v1/sales-orders/SO-104233/activate")
    assert activated.status_code == 200
    view = carla.get("/api/v1/sales-orders/SO-104233").get_json()
    assert view == {
        "so_number": "SO-104233", "company_id": company["id"], "credits": "25.50", "status": "active",
        "booked_on": "2026-01-05", "invoice_date": "2026-01-09", "expires_on": "2027-01-09", "days_left": 362,
        "available": "25.50", "held": "0.00", "reissue_of": None, "expected_available_by": None}
    assert ledger_sum("SO-104233") == 2550


def test_the_activation_is_a_ledger_entry(api):
    company = api.company()
    carla = api.person("carla", "captain", company["id"])
    api.sales_order("SO-1", company["id"], "40.00")
    entries = carla.get(f"/api/v1/companies/{company['id']}/ledger").get_json()["entries"]
    assert [(e["kind"], e["so_number"], e["amount"]) for e in entries] == [("activation", "SO-1", "40.00")]
    assert {"id", "at", "kind", "so_number", "amount", "debit_id", "description"} <= entries[0].keys()


def test_the_company_balance_sums_its_active_sales_orders(api):
    company = api.company()
    obi = api.person("obi", "observer", company["id"])
    api.set_clock("2026-03-01T18:00:00+00:00")
    api.sales_order("SO-1", company["id"], "40.00", invoice_date="2026-02-01")
    api.sales_order("SO-2", company["id"], "10.25", invoice_date="2026-01-15")
    api.sales_order("SO-3", company["id"], "99.00", invoice_date=None, activate=False)
    balance = obi.get(f"/api/v1/companies/{company['id']}/balance").get_json()
    assert balance["available"] == "50.25" and balance["held"] == "0.00" and balance["available_usd"] == "5025.00"
    assert [s["so_number"] for s in balance["sales_orders"]] == ["SO-2", "SO-1", "SO-3"]  # soonest expiry first
    assert balance["sales_orders"][0] == {"so_number": "SO-2", "status": "active", "available": "10.25",
                                          "held": "0.00", "expires_on": "2027-01-15", "days_left": 320}


def test_a_duplicate_sales_order_number_is_409_and_changes_nothing(api):
    company = api.company()
    api.sales_order("SO-1", company["id"])
    before = row_counts()
    response = api.admin.post("/api/v1/sales-orders", json={
        "so_number": "SO-1", "company_id": company["id"], "credits": "5", "booked_on": "2026-01-01"})
    assert response.status_code == 409
    assert row_counts() == before


def test_the_lifecycle_goes_forward_only(api):
    company = api.company()
    api.sales_order("SO-1", company["id"], invoice_date=None, activate=False)
    assert api.admin.post("/api/v1/sales-orders/SO-1/activate").status_code == 409
    assert api.admin.post("/api/v1/sales-orders/SO-1/invoice", json={"invoice_date": "2026-01-10"}).status_code == 200
    assert api.admin.post("/api/v1/sales-orders/SO-1/invoice", json={"invoice_date": "2026-01-11"}).status_code == 409
    assert api.admin.post("/api/v1/sales-orders/SO-1/activate").status_code == 200
    before = row_counts()
    assert api.admin.post("/api/v1/sales-orders/SO-1/activate").status_code == 409
    assert row_counts() == before


def test_an_sales_order_past_its_expiry_cannot_be_activated(api):
    company = api.company()
    api.set_clock("2027-06-01T18:00:00+00:00")
    api.sales_order("SO-1", company["id"], invoice_date="2026-01-10", activate=False)
    assert api.admin.post("/api/v1/sales-orders/SO-1/activate").status_code == 422
    assert api.admin.get("/api/v1/sales-orders/SO-1").get_json()["status"] == "invoiced"


def test_unknown_sales_orders_are_404(api):
    assert api.admin.get("/api/v1/sales-orders/SO-NOPE").status_code == 404
    assert api.admin.post("/api/v1/sales-orders/SO-NOPE/activate").status_code == 404
