"""R-SEC-1: failed sign-ins are limited per account and per client address, across every
worker and process (the counts live in the database), with 429 and Retry-After; failed tries
against one account never lock out another account."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from clc_ledger.accounts import services as accounts
from clc_ledger.extensions import db
from tests.helpers import PASSWORD


def token(api, username, password, address="10.0.0.1"):
    return api.client.post("/api/v1/auth/tokens", json={"username": username, "password": password},
                           environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def people(api):
    company = api.company("Acme Networks")
    for name in ("carla", "dana", *(f"user{n}" for n in range(12))):
        accounts.create_user(username=name, email=f"{name}@example.com", password=PASSWORD, role="captain",
                             company_id=company["id"])
    return company


def test_R_SEC_1_the_eleventh_failed_token_request_is_429_with_retry_after(api, people):
    for attempt in range(10):
        assert token(api, "carla", f"wrong-{attempt}").status_code == 401
    refused = token(api, "carla", PASSWORD)  # even the right password: the account is resting
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["code"] == 429 and body["status"] == "Too Many Requests" and body["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60
    assert token(api, "dana", PASSWORD).status_code == 201  # another account, same address


def test_R_SEC_1_tries_against_one_account_never_lock_out_another(api, people):
    for attempt in range(200):  # far past every limit; refused tries are not counted
        assert token(api, "carla", f"wrong-{attempt}").status_code in (401, 429)
    assert token(api, "dana", PASSWORD).status_code == 201


def test_R_SEC_1_one_account_guessed_from_many_addresses_rests_after_50(api, people):
    for attempt in range(50):
        assert token(api, "carla", f"wrong-{attempt}", address=f"10.1.{attempt}.1").status_code == 401
    assert token(api, "carla", PASSWORD, address="10.9.9.9").status_code == 429
    assert token(api, "dana", PASSWORD, address="10.9.9.9").status_code == 201


def test_R_SEC_1_spraying_many_accounts_from_one_address_rests_after_100(api, people):
    for attempt in range(100):
        assert token(api, f"user{attempt % 12}", f"wrong-{attempt}").status_code == 401
    assert token(api, "dana", PASSWORD).status_code == 429
    assert token(api, "dana", PASSWORD, address="10.0.0.2").status_code == 201  # another address


def test_R_SEC_1_pages_and_api_share_the_counts(api, people, app):
    from tests.web.conftest import Browser

    person = Browser(app)
    for attempt in range(5):
        page = person.submit("/sign-in", "/sign-in", {"username": "carla", "password": f"wrong-{attempt}"},
                             environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert page.status_code == 200
    for attempt in range(5):
        assert token(api, "carla", f"wrong-{attempt}").status_code == 401
    assert token(api, "carla", PASSWORD).status_code == 429
    page = person.submit("/sign-in", "/sign-in", {"username": "carla", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert page.status_code == 429 and "Retry-After" in page.headers


# --- across processes --------------------------------------------------------------------------

def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(database_url, tmp_path, workers, **settings):
    port = _free_port()
    env = {**os.environ, **settings, "CLC_DATABASE_URL": database_url,
           "CLC_SECRET_KEY": "test-secret-for-two-servers-of-two-workers",  # serve refuses one under 32
           "CLC_INSTANCE_PATH": str(tmp_path / "instance"), "CLC_MAIL_DIR": str(tmp_path / "mail")}
    script = Path(sys.executable).with_name("clc-ledger")
    process = subprocess.Popen([str(script), "serve", "--port", str(port), "--workers", str(workers)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=2).close()
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("clc-ledger serve did not start") from None
            time.sleep(0.2)


def _post_token(base, username, password):
    request = urllib.request.Request(f"{base}/api/v1/auth/tokens", method="POST",
                                     data=json.dumps({"username": username, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of this test's own on a free port, if the machine has one."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no redis-server on this machine")
    port = _free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("storage", ["database", "redis"])
def test_R_SEC_1_the_limit_holds_across_two_servers_of_two_workers(api, people, database_url, tmp_path, storage,
                                                                   request):
    settings = {"CLC_RATELIMIT_STORAGE_URI": request.getfixturevalue("redis_url")} if storage == "redis" else {}
    db.session.commit()
    db.engine.dispose()
    servers = [_serve(database_url, tmp_path, workers=2, **settings) for _ in range(2)]
    try:
        bases = [base for _process, base in servers]
        for attempt in range(10):  # alternate servers; each has two workers
            status, _headers = _post_token(bases[attempt % 2], "carla", f"wrong-{attempt}")
            assert status == 401, attempt
        for base in bases:
            status, headers = _post_token(base, "carla", PASSWORD)
            assert status == 429 and int(headers["Retry-After"]) > 0
        assert _post_token(bases[0], "dana", PASSWORD)[0] == 201
        counted_in_database = db.session.execute(text("SELECT count(*) FROM rate_limit_counters")).scalar()
        db.session.rollback()
        assert bool(counted_in_database) == (storage == "database")
    finally:
        for process, _base in servers:
            process.terminate()
        for process, _base in servers:
            process.wait(timeout=30)
