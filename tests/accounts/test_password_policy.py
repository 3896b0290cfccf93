"""Passwords in the spirit of OWASP ASVS 5.0: at least 12 characters, not a common or easily
guessed one, no composition rules; the same for create-admin, user creation and a change."""
import pytest

from clc_ledger.accounts import services as accounts
from clc_ledger.accounts.password_policy import password_problem
from tests.helpers import PASSWORD, row_counts

REFUSED = ["x", "short-one", "elevenchars", "password1234", "123456789012", "qwertyuiopasdf", "aaaaaaaaaaaaaaaa",
           "iloveyou1234", "Password1234", "carla-carla-1", "x" * 201]
ACCEPTED = ["correct-horse-battery", "plover tundra ochre", "ünïcödé-wörds-tögether", "パスワードは長い文章です",
            "abcdefgh12!#"]


@pytest.mark.parametrize("password", REFUSED)
def test_common_short_and_overlong_passwords_are_refused(password):
    assert password_problem(password, username="carla", email="carla@example.com") is not None


@pytest.mark.parametrize("password", ACCEPTED)
def test_long_uncommon_passwords_are_accepted_whatever_their_characters(password):
    assert password_problem(password, username="carla", email="carla@example.com") is None


def test_create_admin_refuses_a_weak_password(runner):
    before = row_counts()
    result = runner.invoke(args=["create-admin", "--username", "root", "--email", "root@example.com",
                                 "--password", "x"])
    assert result.exit_code != 0
    assert "12 characters" in result.output
    assert row_counts() == before


@pytest.mark.parametrize("password", ["short", "password1234", "zed-zed-zed-1"])
def test_creating_a_user_through_the_api_refuses_a_weak_password(api, acme, password):
    before = row_counts()
    response = api.admin.post("/api/v1/users", json={"username": "zed", "email": "zed@example.com",
                                                     "password": password, "role": "member",
                                                     "company_id": acme["company"]["id"]})
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]
    assert row_counts() == before


def test_changing_a_password_to_a_common_one_is_refused_and_keeps_the_old(api, acme, app):
    from tests.web.conftest import Browser

    person = Browser(app)
    assert person.sign_in("mo").status_code == 302
    response = person.submit("/account/password", "/account/password",
                             {"current": PASSWORD, "new": "password1234", "repeat": "password1234"})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)
    assert accounts.authenticate("mo", PASSWORD) is not None
    with pytest.raises(Exception, match="12 characters"):
        accounts.change_password(acme["mo"].user.id, "short")
