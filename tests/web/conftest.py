"""Pages are driven like a browser: fetch a form, send it back with its CSRF token."""
import re

import pytest

from tests.helpers import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html):
    match = TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """One person's cookie jar on the test client."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def submit(self, page, action, data=None, **kwargs):
        """POST `data` to `action` with the CSRF token of the form on `page` (a path)."""
        html = self.client.get(page).get_data(as_text=True)
        return self.client.post(action, data={"csrf_token": csrf_token(html), **(data or {})}, **kwargs)

    def sign_in(self, username, password=PASSWORD):
        return self.submit("/sign-in", "/sign-in", {"username": username, "password": password})


@pytest.fixture
def browser(app):
    def make(username=None, password=PASSWORD):
        person = Browser(app)
        if username:
            response = person.sign_in(username, password)
            assert response.status_code == 302, response.get_data(as_text=True)
        return person

    return make


@pytest.fixture
def acme_two_orders(api):
    """A company with a captain, a member, an observer and two active sales orders."""
    company = api.company("Acme Networks", approval=True)
    people = {role: api.person(name, role, company["id"])
              for name, role in (("carla", "captain"), ("mike", "member"), ("otto", "observer"))}
    api.set_clock("2026-03-01T18:00:00+00:00")
    api.sales_order("SO-1001", company["id"], "500.00", booked_on="2026-01-05", invoice_date="2026-01-10")
    api.sales_order("SO-1002", company["id"], "250.00", booked_on="2026-02-01", invoice_date="2026-02-03")
    return {"company": company, **people}
