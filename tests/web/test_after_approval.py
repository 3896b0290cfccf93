"""One balance after approval (R-NOT-1, R-SO-4): the approval queue, the debits page and the
mail that asks a captain to decide show the same number for the same debit, and each page
says what it means."""
import re

from clc_ledger.ledger.after_approval import balance_after_approval


def _deliver(api):
    assert api.admin.post("/api/v1/jobs/deliver-outbox/run").status_code == 200


def _queue_value(html, debit_id):
    row = re.search(rf'<tr data-debit="{debit_id}">(.*?)</tr>', html, re.S).group(1)
    return re.search(r'data-testid="after-approval">(?:<span[^>]*>)?([^<]+)<', row).group(1).strip()


def _debits_page_value(html, debit_id):
    row = re.search(rf'<td data-label="#">{debit_id}</td>(.*?)</tr>', html, re.S).group(1)
    return re.search(r'data-testid="after-approval">Balance after approval: ([^<]+)<', row).group(1).strip()


def test_the_queue_the_debits_page_and_the_mail_show_the_same_balance_after_approval(
        api, acme_two_orders, browser, app, smtp):
    mike = acme_two_orders["member"]
    first = mike.post("/api/v1/debits", json={"category": "exam_voucher", "description": "ENCOR",
                                                 "amount": "100.00"}).get_json()
    second = mike.post("/api/v1/debits", json={"category": "digital_learning", "description": "Labs",
                                                  "amount": "43.50"}).get_json()
    assert first["status"] == second["status"] == "pending"
    _deliver(api)
    mails = {m["Subject"]: m.get_body(preferencelist=("plain",)).get_content()
             for m in smtp.messages if "carla@example.com" in m["To"]}
    queue = browser("carla").get("/approvals").get_data(as_text=True)
    debits = browser("mike").get("/debits").get_data(as_text=True)
    # 750.00 on the two SOs; 143.50 held; available now 606.50
    assert "Available now: 606.50 CLC" in queue
    for debit, expected in ((first, "650.00 CLC"), (second, "706.50 CLC")):
        [mail] = [text for subject, text in mails.items() if f"#{debit['id']}" in subject]
        assert f"Balance after approval: {expected} " in re.sub(r"\s+", " ", mail)
        assert _queue_value(queue, debit["id"]) == expected
        assert _debits_page_value(debits, debit["id"]) == expected
    for page in (queue, debits):  # each says what the number means
        assert "the credits available now plus those held by the other requests still waiting" in page


def test_balance_after_approval_is_the_balance_less_the_debit():
    assert balance_after_approval(10_000, 75_000) == 65_000


def test_the_request_form_says_how_what_stays_available_differs_from_the_balance_after_approval(acme_two_orders, browser):
    acme_two_orders["member"].post("/api/v1/debits", json={"category": "exam_voucher", "description": "A", "amount": "40.00"})
    html = browser("mike").get("/debits/new").get_data(as_text=True)
    assert "Available now: 710.00 CLC" in html
    assert "because it also counts the 40.00 CLC held by requests still waiting" in html
