"""No interleaving of requests overdraws a sales order, loses an entry or posts twice
(R-SO-4, R-DEB-4): 16 client threads against the real app served over HTTP."""
import http.client
import json
import random
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from clc_ledger import create_app
from clc_ledger.extensions import db
from clc_ledger.ledger.models import LedgerEntry, SalesOrder
from clc_ledger.ledger.verify import verify_ledger

THREADS = 16
REQUESTS_PER_THREAD = 14  # 16 x 14 = 224 debit requests, plus approvals and rejections


@pytest.fixture
def live_server(app_config):
    server_app = create_app(app_config)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=10)
    with server_app.app_context():
        db.engine.dispose()


def _http(port, method, path, token, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


@pytest.mark.slow
def test_concurrent_debits_and_approvals_never_overdraw_and_keep_the_books_exact(api, approval_required, live_server):
    acme = approval_required
    company_id = acme["company"]["id"]
    for number, credits, invoiced in [("SO-A", "150.00", "2026-01-10"), ("SO-B", "120.00", "2026-02-10"),
                                      ("SO-C", "90.00", "2026-02-10")]:
        api.sales_order(number, company_id, credits, invoice_date=invoiced)
    requesters = [acme["mo"], acme["carla"], acme["dana"]] + [
        api.person(f"member{i}", "member", company_id) for i in range(5)]
    captains = [(acme["carla"].user.username, acme["carla"].token), (acme["dana"].user.username, acme["dana"].token)]
    tokens = [actor.token for actor in requesters]
    outcomes, decisions, pending = Counter(), Counter(), []
    lock = threading.Lock()
    failures = []

    def client(seed):
        rng = random.Random(seed)
        try:
            for _ in range(REQUESTS_PER_THREAD):
                token = rng.choice(tokens)
                amount = f"{rng.randint(1, 1500) / 100:.2f}"
                body = {"amount": amount, "category": "exam_voucher", "description": f"race {seed}"}
                if rng.random() < 0.25:
                    body["allocations"] = [{"so_number": rng.choice(["SO-A", "SO-B", "SO-C"]), "amount": amount}]
                status, answer = _http(live_server, "POST", "/api/v1/debits", token, body)
                with lock:
                    outcomes[status] += 1
                    if status == 201:
                        pending.append((answer["id"], answer["requested_by"]))
                    elif not (status == 422 and "Insufficient credits" in answer["message"]):
                        failures.append((status, answer))
                # Captains decide on a random pending debit, sometimes racing each other for it.
                with lock:
                    chosen = rng.choice(pending) if pending else None
                if chosen:
                    _, captain_token = rng.choice([c for c in captains if c[0] != chosen[1]])
                    verb = "approve" if rng.random() < 0.7 else "reject"
                    status, answer = _http(live_server, "POST", f"/api/v1/debits/{chosen[0]}/{verb}", captain_token,
                                           {"reason": "race"} if verb == "reject" else None)
                    with lock:
                        decisions[status] += 1
                        if status not in (200, 409):
                            failures.append((status, answer))
        except Exception as error:  # surfaced below: a thread must not die silently
            with lock:
                failures.append(("exception", repr(error)))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not failures, failures[:5]
    assert sum(outcomes.values()) == THREADS * REQUESTS_PER_THREAD
    assert outcomes[201] > 20 and outcomes[422] > 0, outcomes  # both paths really exercised
    assert decisions[200] > 10, decisions

    db.session.rollback()
    totals = Counter()
    for sales_order in db.session.scalars(select(SalesOrder).where(SalesOrder.company_id == company_id)):
        assert sales_order.balance >= 0 and sales_order.held >= 0 and sales_order.available >= 0
        by_kind = dict(db.session.execute(
            select(LedgerEntry.kind, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.sales_order_id == sales_order.id).group_by(LedgerEntry.kind)).all())
        assert sales_order.balance == sum(v for k, v in by_kind.items() if k not in ("hold", "release"))
        assert sales_order.held == -(by_kind.get("hold", 0) + by_kind.get("release", 0))
        activated = by_kind["activation"]
        posted = -by_kind.get("debit", 0)
        expired = -by_kind.get("expiry", 0)
        assert activated == sales_order.available + sales_order.held + posted + expired
        totals["activated"] += activated
        totals["posted"] += posted
    assert verify_ledger() is None
    assert totals["posted"] > 0
