"""R-SEC-1: after signing in, accepting the terms or choosing a language, a `next` sends the
browser only to a path of this site; anything else goes to the home page."""
from urllib.parse import quote, urlsplit

import pytest

SAFE = ["/debits?status=pending", "/statements", "/a%20b"]
BYPASSES = [
    "//evil.example", "///evil.example", "/%09/evil.example", "/\t/evil.example", "/\\evil.example",
    "/%5Cevil.example", "\\\\evil.example", "/%2F/evil.example", "https://evil.example", "http:evil.example",
    "javascript:alert(1)", "//evil.example/%2F..", " //evil.example", "/\n/evil.example", "/x\r\nSet-Cookie: a=b",
    "/%0d%0aSet-Cookie:a=b", "/\u3000/evil.example", "evil.example", "", "/" + "a" * 3000,
]


def _lands_on(response):
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location  # never another host
    assert "\n" not in location and "\r" not in location and "\t" not in location
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("target", SAFE + BYPASSES, ids=repr)
def test_R_SEC_1_sign_in_follows_next_only_to_this_site(browser, api, acme_two_orders, target):
    person = browser()
    response = person.submit("/sign-in", f"/sign-in?next={quote(target, safe='')}",
                             {"username": "carla", "password": "correct-horse-battery"})
    landed = _lands_on(response)
    assert landed == (target if target in SAFE else "/")


@pytest.mark.parametrize("target", SAFE + BYPASSES, ids=repr)
def test_R_SEC_1_next_in_the_sign_in_form_is_held_to_the_same_rule(browser, api, acme_two_orders, target):
    person = browser()
    response = person.submit("/sign-in", "/sign-in",
                             {"username": "carla", "password": "correct-horse-battery", "next": target})
    assert _lands_on(response) == (target if target in SAFE else "/")


@pytest.mark.parametrize("target", BYPASSES, ids=repr)
def test_R_SEC_1_the_language_switch_and_the_terms_hold_to_it_too(browser, api, acme_two_orders, target):
    person = browser("carla")
    response = person.submit("/", "/language", {"lang": "de", "next": target})
    assert _lands_on(response) == "/"
    api.person("newbie", "member", acme_two_orders["company"]["id"], accept_terms=False)
    newbie = browser("newbie")
    response = newbie.submit("/terms", f"/terms?next={quote(target, safe='')}", {"next": target})
    assert _lands_on(response) == "/"
