"""A company with one captain (R-ACC-5, R-ACC-6): nobody else can approve that captain's own
debits, and the request form, the captain's home, the queue and the back office say so."""
import re


def test_the_only_captain_is_told_on_home_and_on_the_request_form(api, acme_two_orders, browser):
    carla = browser("carla")
    for path in ("/", "/debits/new"):
        html = carla.get(path).get_data(as_text=True)
        assert 'data-testid="only-captain"' in html, path
        assert "Ask your account manager to add a second captain." in html, path
    assert 'data-testid="only-captain"' not in browser("mike").get("/debits/new").get_data(as_text=True)
    api.person("cleo", "captain", acme_two_orders["company"]["id"])
    assert 'data-testid="only-captain"' not in browser("carla").get("/").get_data(as_text=True)


def test_the_back_office_lists_companies_with_a_single_captain(api, acme_two_orders, browser):
    other = api.company("Globex", approval=True)
    api.person("gina", "captain", other["id"])
    api.person("gus", "captain", other["id"])
    html = browser("backoffice").get("/admin/companies").get_data(as_text=True)
    single = re.search(r'data-testid="single-captain">(.*?)</section>', html, re.S).group(1)
    assert "Acme Networks" in single and "Globex" not in single


def test_a_captain_home_links_to_the_pending_approvals(acme_two_orders, browser):
    acme_two_orders["member"].post("/api/v1/debits", json={"category": "exam_voucher", "description": "A", "amount": "1.00"})
    acme_two_orders["member"].post("/api/v1/debits", json={"category": "exam_voucher", "description": "B", "amount": "2.00"})
    html = browser("carla").get("/").get_data(as_text=True)
    assert re.search(r'data-testid="pending-approvals">\s*<a href="/approvals">2 debits await approval</a>', html)
    acme_two_orders["captain"].post("/api/v1/debits/1/approve")
    assert ">1 debit awaits approval<" in browser("carla").get("/").get_data(as_text=True)


def test_a_refused_debit_form_marks_its_field_and_links_to_it(acme_two_orders, browser):
    html = browser("mike").submit("/debits/new", "/debits/new", {
        "category": "exam_voucher", "description": "Exam", "amount": "12.345"}).get_data(as_text=True)
    assert re.search(r'<input[^>]*aria-describedby="amount-error amount-hint"[^>]*aria-invalid="true"', html) or \
        re.search(r'<input[^>]*aria-invalid="true"[^>]*aria-describedby="amount-error amount-hint"', html)
    assert 'id="amount-error">Write the credits as a number above zero with at most 2 decimals' in html
    assert '<a href="#amount">Amount (CLC): Write the credits' in html and 'data-focus="amount"' in html


def test_a_split_that_does_not_add_up_is_said_beside_the_split_in_the_readers_language(acme_two_orders, browser):
    mike = browser("mike")
    data = {"category": "exam_voucher", "description": "Exam", "amount": "10.00", "split-SO-1001": "3.00"}
    html = mike.submit("/debits/new", "/debits/new", data).get_data(as_text=True)
    assert re.search(r'id="split-total-error">The parts add up to 3.00 CLC; together they must make the amount, '
                     r'10.00 CLC.', html)
    assert '<a href="#split-total">' in html and 'data-focus="split-total"' in html
    assert mike.submit("/", "/language", {"lang": "de", "next": "/"}).status_code == 302
    html = mike.submit("/debits/new", "/debits/new", {**data, "amount": "10,00", "split-SO-1001": "3,00"}
                       ).get_data(as_text=True)
    assert re.search(r'id="split-total-error">[^<]*3,00 CLC[^<]*10,00 CLC', html)
    assert "The parts add up" not in html


def test_a_rule_refusing_the_amount_is_said_under_the_amount(acme_two_orders, browser):
    html = browser("mike").submit("/debits/new", "/debits/new", {
        "category": "exam_voucher", "description": "Too much", "amount": "5000.00"}).get_data(as_text=True)
    amount_field = re.search(r'<div class="field invalid">\s*<label for="amount">.*?</div>', html, re.S).group(0)
    assert 'id="amount-error">' in amount_field and "5000.00" in amount_field


def test_the_queue_says_when_nobody_else_can_approve_the_captains_own_request(acme_two_orders, browser):
    acme_two_orders["member"].post("/api/v1/debits", json={"category": "exam_voucher", "description": "Mike's", "amount": "1.00"})
    assert "nobody can approve the debits you request yourself" not in browser("carla").get("/approvals").get_data(
        as_text=True)
    acme_two_orders["captain"].post("/api/v1/debits", json={"category": "exam_voucher", "description": "Own", "amount": "2.00"})
    html = browser("carla").get("/approvals").get_data(as_text=True)
    assert "nobody can approve the debits you request yourself" in html
    assert "Nobody else can approve your own request." in html
