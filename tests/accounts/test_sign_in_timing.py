"""R-SEC-1: how long a sign-in takes does not tell whether the account exists, is active or is
deactivated: every answer runs one argon2 verification. A statistical comparison of medians with
generous bounds, not a timed assertion of speed."""
import statistics
import time

from argon2 import PasswordHasher

from clc_ledger.accounts import services as accounts
from tests.helpers import PASSWORD

ROUNDS = 9


def test_R_SEC_1_sign_in_takes_as_long_for_absent_deactivated_and_active_accounts(api, app):
    # A hasher costly enough (16 MiB) that a skipped verification stands out against the
    # database work, yet cheap enough for a test run.
    hasher = PasswordHasher(time_cost=1, memory_cost=16 * 1024, parallelism=1)
    accounts._HASHERS["TIMING_TEST"] = (hasher, hasher.hash("not-a-real-password"))
    app.config["CLC_PASSWORD_PROFILE"] = "TIMING_TEST"
    company = api.company("Acme Networks")
    for name in ("active", "sleeper", "captain"):
        accounts.create_user(username=name, email=f"{name}@example.com", password=PASSWORD,
                             role="captain", company_id=company["id"])
    sleeper = accounts.authenticate("sleeper", PASSWORD)
    accounts.update_user(sleeper.id, active=False)

    tries = {"active, wrong password": ("active", "not-the-password"),
             "active, right password": ("active", PASSWORD),
             "deactivated, right password": ("sleeper", PASSWORD),
             "absent": ("nobody-here", PASSWORD)}
    times = {kind: [] for kind in tries}
    for round_ in range(ROUNDS):
        for kind, (username, password) in tries.items():  # interleaved: load on the machine hits all alike
            started = time.perf_counter()
            response = api.client.post("/api/v1/auth/tokens", json={"username": username, "password": password},
                                       environ_base={"REMOTE_ADDR": f"10.7.{round_}.1"})
            times[kind].append(time.perf_counter() - started)
            assert response.status_code == (201 if kind == "active, right password" else 401), kind
    medians = {kind: statistics.median(samples) for kind, samples in times.items()}
    reference = medians["active, wrong password"]
    for kind, median in medians.items():
        assert 0.5 * reference <= median <= 2.0 * reference, (kind, medians)
