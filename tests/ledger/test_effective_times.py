"""R-LED-3: every entry has an effective and a recorded time; decisions take effect when they
are made, and the hash chain covers both times (R-LED-2)."""
import pytest

from clc_ledger.ledger.verify import verify_ledger

from .test_debits import debit
from .test_ledger_integrity import _tamper, history  # noqa: F401  (the fixture)


def ledger(api, company_id):
    return api.admin.get(f"/api/v1/companies/{company_id}/ledger").get_json()["entries"]


def test_R_LED_3_an_approval_takes_effect_at_the_decision_not_at_the_request(api, approval_required):
    acme = approval_required
    api.sales_order("SO-1", acme["company"]["id"], "10.00")
    api.set_clock("2026-06-20T17:00:00+00:00")
    pending = debit(acme["mo"], "4.00").get_json()
    api.set_clock("2026-06-22T09:30:00+00:00")
    assert acme["carla"].post(f"/api/v1/debits/{pending['id']}/approve").status_code == 200
    entries = ledger(api, acme["company"]["id"])
    [hold] = [e for e in entries if e["kind"] == "hold"]
    [posted] = [e for e in entries if e["kind"] == "debit"]
    assert hold["at"] == hold["recorded_at"] == "2026-06-20T17:00:00+00:00"
    assert posted["at"] == posted["recorded_at"] == "2026-06-22T09:30:00+00:00"
    assert posted["deferred_from"] is None


@pytest.mark.parametrize("column", ["effective_at", "recorded_at"])
def test_R_LED_2_the_chain_covers_both_times_moving_either_is_reported(history, column):  # noqa: F811
    assert verify_ledger() is None
    _tamper(f"UPDATE ledger_entries SET {column} = '2026-01-01 00:00:00' WHERE id = 2")
    problem = verify_ledger()
    assert problem is not None and problem.entry_id == 2 and "altered" in problem.message
