"""Racing approvals of one CE-bearing debit create each attendee's planned claim once
(R-CEL-2), served over HTTP by the real app with threads, on SQLite and PostgreSQL."""
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from clc_ledger.extensions import db
from clc_ledger.learning.models import Claim
from tests.ledger.test_concurrency import _http, live_server  # noqa: F401  (the fixture)

from .conftest import certify

RACERS = 8


@pytest.mark.slow
def test_racing_approvals_create_each_attendees_claim_once(api, roster, approval_required, catalog, live_server):  # noqa: F811
    carla, dana, mo = roster["carla"], roster["dana"], roster["mo"]
    attendees = [roster["pat"]["id"], roster["quinn"]["id"], roster["person"]("Rae")["id"]]
    for person_id in attendees:
        certify(carla, person_id)
    api.sales_order("SO-R", roster["company"]["id"], "5000.00")
    debit_ids = []
    for _ in range(6):
        response = mo.post("/api/v1/debits", json={
            "amount": "50.00", "category": "instructor_led_training", "description": "ENCOR", "event_date": "2026-07-01",
            "ce_item_id": catalog["encor"]["id"], "seats": 3, "attendees": attendees})
        assert response.status_code == 201, response.get_json()
        debit_ids.append(response.get_json()["id"])
    db.session.remove()
    outcomes = Counter()
    lock = threading.Lock()

    def approve(debit_id, token):
        status, _body = _http(live_server, "POST", f"/api/v1/debits/{debit_id}/approve", token)
        with lock:
            outcomes[(debit_id, status)] += 1

    threads = [threading.Thread(target=approve, args=(debit_id, (carla if i % 2 else dana).token))
               for debit_id in debit_ids for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for debit_id in debit_ids:
        assert outcomes[(debit_id, 200)] == 1 and outcomes[(debit_id, 409)] == RACERS - 1, outcomes
        rows = db.session.execute(select(Claim.person_id, func.count(Claim.id)).where(Claim.debit_id == debit_id)
                                  .group_by(Claim.person_id)).all()
        assert sorted(rows) == sorted((person_id, 1) for person_id in attendees)
