"""Web security: CSRF, sessions that die on sign-out and password change, headers on every
page, the sign-in rate limit, POST-only changes."""
from flask import Blueprint
from sqlalchemy import select

from clc_ledger import create_app
from clc_ledger.accounts import services as accounts
from clc_ledger.accounts.models import User
from clc_ledger.extensions import db
from tests.helpers import row_counts

from .conftest import csrf_token


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(api, browser):
    admin = api.admin  # noqa: F841  (creates the back-office account)
    person = browser("backoffice")
    before = row_counts()
    response = person.client.post("/admin/companies", data={"name": "Evil Corp", "country": "US", "locale": "en_US"})
    assert response.status_code == 400
    assert b"form" in response.data.lower()
    assert row_counts() == before
    # The same form with its token works: the refusal was about the token.
    response = person.submit("/admin/companies", "/admin/companies",
                             {"name": "Good Corp", "country": "US", "locale": "en_US"})
    assert response.status_code == 302


def test_sign_in_itself_needs_the_csrf_token(api, browser):
    api.admin
    response = browser().client.post("/sign-in", data={"username": "backoffice", "password": "correct-horse-battery"})
    assert response.status_code == 400


def test_the_json_api_needs_no_csrf_token(api):
    assert api.admin.post("/api/v1/companies", json={"name": "Api Co", "country": "US", "locale": "en_US",
                                                     "captain_approval_required": False}).status_code == 201


def _copy_cookies(source, target):
    for cookie in source.client._cookies.values():
        target.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)


def test_a_session_cookie_copied_before_sign_out_no_longer_works_after_it(acme_two_orders, browser):
    mike = browser("mike")
    assert mike.get("/").status_code == 200
    thief = browser()
    _copy_cookies(mike, thief)
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    response = mike.submit("/", "/sign-out")
    assert response.status_code == 302
    replay = thief.get("/")
    assert replay.status_code == 302 and "/sign-in" in replay.headers["Location"]


def test_a_session_cookie_no_longer_works_after_a_password_change(acme_two_orders, browser, app):
    mike = browser("mike")
    thief = browser()
    _copy_cookies(mike, thief)
    assert thief.get("/").status_code == 200
    user_id = db.session.scalar(select(User.id).where(User.username == "mike"))
    accounts.change_password(user_id, "a-brand-new-password")
    assert thief.get("/").status_code == 302
    assert mike.get("/").status_code == 302
    assert browser("mike", "a-brand-new-password").get("/").status_code == 200


def test_changing_ones_password_on_the_page_keeps_this_session_and_ends_the_others(acme_two_orders, browser):
    mike = browser("mike")
    other = browser("mike")
    response = mike.submit("/account/password", "/account/password",
                           {"current": "correct-horse-battery", "new": "another-long-password",
                            "repeat": "another-long-password"})
    assert response.status_code == 302
    assert mike.get("/").status_code == 200
    assert other.get("/").status_code == 302


def _assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy")


def test_security_headers_are_on_200_404_and_500_pages(app_config, acme_two_orders, browser):
    mike = browser("mike")
    ok = mike.get("/")
    assert ok.status_code == 200
    _assert_security_headers(ok)
    missing = mike.get("/no-such-page")
    assert missing.status_code == 404
    _assert_security_headers(missing)

    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})
    boom = Blueprint("boom", __name__)

    @boom.get("/boom")
    def explode():
        raise RuntimeError("secret internals")

    app.register_blueprint(boom)
    broken = app.test_client().get("/boom")
    assert broken.status_code == 500
    assert b"secret" not in broken.data
    _assert_security_headers(broken)


def test_session_cookies_are_httponly_and_samesite_lax(acme_two_orders, browser):
    person = browser()
    response = person.submit("/sign-in", "/sign-in", {"username": "mike", "password": "correct-horse-battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookies_are_secure_outside_development_and_testing(app_config):
    app = create_app({**app_config, "TESTING": False, "CLC_BASE_URL": "https://clc.example.com"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_eleventh_rapid_failed_sign_in_is_refused(acme_two_orders, browser):
    person = browser()
    for attempt in range(10):
        response = person.submit("/sign-in", "/sign-in", {"username": "mike", "password": f"wrong-{attempt}"})
        assert response.status_code == 200, attempt
        assert b"Wrong username or password" in response.data
    refused = person.submit("/sign-in", "/sign-in", {"username": "mike", "password": "correct-horse-battery"})
    assert refused.status_code == 429
    assert b"Too many failed sign-in attempts" in refused.data
    assert person.get("/").status_code == 302  # not signed in


def test_successful_sign_ins_do_not_count_towards_the_limit(acme_two_orders, browser):
    for _ in range(12):
        assert browser("mike").get("/").status_code == 200


def test_state_changes_are_post_only(acme_two_orders, browser):
    carla = browser("carla")
    for path in ("/sign-out", "/debits/1/approve", "/debits/1/reject", "/approvals/approve-selected",
                 "/admin/sales-orders/SO-1001/activate", "/language"):
        assert carla.get(path).status_code == 405, path


def test_the_api_docs_page_has_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "/static/js/swagger-init.js" in html
    _assert_security_headers(response)


def test_a_csrf_token_from_one_session_does_not_work_in_another(acme_two_orders, browser):
    mike, carla = browser("mike"), browser("carla")
    token = csrf_token(mike.get("/").get_data(as_text=True))
    assert carla.client.post("/sign-out", data={"csrf_token": token}).status_code == 400
