"""Helpers that drive the app the way a client does: through the JSON API with tokens."""
from sqlalchemy import func, select

from clc_ledger.accounts import services as accounts
from clc_ledger.accounts.models import User
from clc_ledger.extensions import db
from clc_ledger.ledger.models import LedgerEntry, SalesOrder

PASSWORD = "correct-horse-battery"


class Actor:
    """One person calling the API with their own bearer token."""

    def __init__(self, api, user, token):
        self.api, self.user, self.token = api, user, token

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def _call(self, method, path, json=None, headers=None, **kwargs):
        response = getattr(self.api.client, method)(path, json=json, headers={**self.headers, **(headers or {})},
                                                   **kwargs)
        return response

    def get(self, path, **kwargs):
        return self._call("get", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self._call("post", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self._call("patch", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self._call("put", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("delete", path, **kwargs)


class Api:
    def __init__(self, app, client):
        self.app, self.client = app, client
        self._admin = None

    def login(self, username, password=PASSWORD):
        response = self.client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
        assert response.status_code == 201, response.get_json()
        user = db.session.scalar(select(User).where(User.username == username))
        return Actor(self, user, response.get_json()["token"])

    @property
    def admin(self):
        if self._admin is None:
            user = accounts.create_user(username="backoffice", email="bo@example.com", password=PASSWORD, role="admin")
            accounts.accept_terms(user.id)
            self._admin = self.login("backoffice")
        return self._admin

    def company(self, name="Acme Networks", country="US", locale="en_US", approval=False, **extra):
        response = self.admin.post("/api/v1/companies", json={
            "name": name, "country": country, "locale": locale, "captain_approval_required": approval,
            "statement_recipients": extra.pop("statement_recipients", [f"finance@{name.split()[0].lower()}.example"]),
        })
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def person(self, username, role, company_id, *, accept_terms=True):
        response = self.admin.post("/api/v1/users", json={
            "username": username, "email": f"{username}@example.com", "password": PASSWORD,
            "role": role, "company_id": company_id})
        assert response.status_code == 201, response.get_json()
        actor = self.login(username)
        if accept_terms:
            assert actor.post("/api/v1/me/terms-acceptance").status_code == 200
        return actor

    def sales_order(self, so_number, company_id, credits="100.00", *, booked_on="2026-01-05",
                    invoice_date="2026-01-10", activate=True):
        response = self.admin.post("/api/v1/sales-orders", json={
            "so_number": so_number, "company_id": company_id, "credits": credits, "booked_on": booked_on})
        assert response.status_code == 201, response.get_json()
        if invoice_date:
            response = self.admin.post(f"/api/v1/sales-orders/{so_number}/invoice", json={"invoice_date": invoice_date})
            assert response.status_code == 200, response.get_json()
        if activate:
            response = self.admin.post(f"/api/v1/sales-orders/{so_number}/activate")
            assert response.status_code == 200, response.get_json()
        return response.get_json()

    def set_clock(self, iso):
        response = self.admin.put("/api/v1/testing/clock", json={"now": iso})
        assert response.status_code == 200, response.get_json()


def row_counts():
    """How many rows each table holds: compared before and after a refused request."""
    db.session.rollback()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def ledger_sum(so_number):
    db.session.rollback()
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).join(SalesOrder)
                             .where(SalesOrder.so_number == so_number))
