"""Requesting a reissue (R-RSS-1..3): the window, the training plan, one per SO, access."""
import pytest

from ..helpers import row_counts
from .conftest import EXPIRES_ON, SO, noon_on, plan, stored_balances_match_entries

URL = f"/api/v1/sales-orders/{SO}/reissue-requests"


@pytest.mark.parametrize("day, status", [
    ("2026-11-10", 422),  # 61 days before expires_on
    ("2026-11-11", 201),  # 60 days before
    ("2027-03-11", 201),  # 60 days after
    ("2027-03-12", 422),  # 61 days after
])
def test_R_RSS_1_the_window_is_60_days_either_side_of_expiry_inclusive(api, acme_expiring, day, status):
    api.set_clock(noon_on(day))
    before = row_counts()
    response = acme_expiring["carla"].post(URL, json=plan(planned_on=day))
    assert response.status_code == status, response.get_json()
    if status == 201:
        body = response.get_json()
        assert {k: body[k] for k in ("so_number", "status", "amount")} == {
            "so_number": SO, "status": "submitted", "amount": "100.00"}
        assert isinstance(body["id"], int)
    else:
        assert row_counts() == before
        body = response.get_json()
        assert body["error"] == "reissue_window"
        assert (body["values"]["first"], body["values"]["last"]) == ("2026-11-11", "2027-03-11")
        assert "Nov 11, 2026" in body["message"] and "Mar 11, 2027" in body["message"]


def test_R_RSS_1_the_window_is_counted_in_the_program_time_zone(api, acme_expiring):
    # 05:00 UTC on 11 Nov is still 10 Nov (21:00) in Los Angeles: day -61.
    api.set_clock("2026-11-11T05:00:00+00:00")
    assert acme_expiring["carla"].post(URL, json=plan(planned_on="2026-11-11")).status_code == 422
    api.set_clock("2026-11-11T08:30:00+00:00")  # 00:30 on 11 Nov in Los Angeles
    assert acme_expiring["carla"].post(URL, json=plan(planned_on="2026-11-11")).status_code == 201


def test_R_RSS_2_a_plan_one_cent_short_is_422_and_writes_nothing(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    before = row_counts()
    response = acme_expiring["carla"].post(URL, json=plan(total="99.99"))
    assert response.status_code == 422
    assert "100.00" in response.get_json()["message"] and "training_plan" in response.get_json()["errors"]
    assert row_counts() == before


def test_R_RSS_2_a_plan_over_the_amount_is_422_too(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    assert acme_expiring["carla"].post(URL, json=plan(total="100.01")).status_code == 422


def test_R_RSS_2_a_plan_may_be_split_over_lines_that_add_up(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    body = plan()
    body["training_plan"] = [
        {"item": "CCNA bootcamp", "category": "automation_bootcamp", "planned_on": "2027-02-01", "credits": "60.25"},
        {"item": "Exam vouchers", "category": "exam_voucher", "planned_on": "2027-03-01", "credits": 39.75},
    ]
    response = acme_expiring["carla"].post(URL, json=body)
    assert response.status_code == 201, response.get_json()
    detail = acme_expiring["carla"].get(f"/api/v1/reissue-requests/{response.get_json()['id']}").get_json()
    assert [(line["item"], line["credits"]) for line in detail["training_plan"]] == [
        ("CCNA bootcamp", "60.25"), ("Exam vouchers", "39.75")]


@pytest.mark.parametrize("planned_on, status", [
    ("2027-06-01", 201),  # exactly 6 calendar months after the request on 2026-12-01
    ("2027-06-02", 422),  # one day past 6 months
    ("2026-11-30", 422),  # in the past
    ("2026-12-01", 201),  # the request date itself
])
def test_R_RSS_2_every_planned_date_lies_within_6_months_of_the_request(api, acme_expiring, planned_on, status):
    api.set_clock(noon_on("2026-12-01"))
    before = row_counts()
    response = acme_expiring["carla"].post(URL, json=plan(planned_on=planned_on))
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert "planned_on" in response.get_json()["errors"]["training_plan"]["0"]
        assert row_counts() == before


def test_R_RSS_2_six_months_from_a_month_end_clamps_to_the_shorter_month(api, acme_expiring):
    api.set_clock(noon_on("2026-12-31"))
    assert acme_expiring["carla"].post(URL, json=plan(planned_on="2027-07-01")).status_code == 422
    assert acme_expiring["carla"].post(URL, json=plan(planned_on="2027-06-30")).status_code == 201


def test_R_RSS_2_a_refused_category_is_named_in_a_422(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    before = row_counts()
    response = acme_expiring["carla"].post(URL, json=plan(category="travel"))
    assert response.status_code == 422
    assert "Travel" in response.get_json()["message"]
    assert "category" in response.get_json()["errors"]["training_plan"]["0"]
    response = acme_expiring["carla"].post(URL, json=plan(category="spa_days"))
    assert response.status_code == 422
    assert row_counts() == before


@pytest.mark.parametrize("credits", ["0", "-5.00", "1.001", "abc"])
def test_R_RSS_2_plan_credits_must_be_exact_and_positive(api, acme_expiring, credits):
    api.set_clock(noon_on("2026-12-01"))
    before = row_counts()
    assert acme_expiring["carla"].post(URL, json=plan(total=credits)).status_code == 422
    assert row_counts() == before


def test_R_RSS_2_an_empty_plan_is_422(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    body = plan()
    body["training_plan"] = []
    assert acme_expiring["carla"].post(URL, json=body).status_code == 422


def test_R_RSS_3_a_second_request_while_one_is_submitted_is_409(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    assert acme_expiring["carla"].post(URL, json=plan()).status_code == 201
    before = row_counts()
    assert acme_expiring["carla"].post(URL, json=plan()).status_code == 409
    assert row_counts() == before


def test_R_RSS_3_after_a_rejection_one_new_request_is_allowed(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    first = acme_expiring["carla"].post(URL, json=plan()).get_json()
    rejected = api.admin.post(f"/api/v1/reissue-requests/{first['id']}/reject", json={"reason": "Plan too vague."})
    assert rejected.status_code == 200
    assert rejected.get_json()["status"] == "rejected" and rejected.get_json()["reason"] == "Plan too vague."
    second = acme_expiring["carla"].post(URL, json=plan(item="CCNP ENCOR, week of 18 Jan"))
    assert second.status_code == 201
    assert acme_expiring["carla"].post(URL, json=plan()).status_code == 409


def test_R_RSS_3_after_an_approval_no_new_request(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    first = acme_expiring["carla"].post(URL, json=plan()).get_json()
    assert api.admin.post(f"/api/v1/reissue-requests/{first['id']}/approve").status_code == 200
    assert acme_expiring["carla"].post(URL, json=plan()).status_code == 409


def test_R_RSS_4_a_reissue_sales_order_can_never_be_reissued(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    first = acme_expiring["carla"].post(URL, json=plan()).get_json()
    approved = api.admin.post(f"/api/v1/reissue-requests/{first['id']}/approve").get_json()
    assert approved["new_so_number"] == "SO-1-R" and approved["expires_on"] == "2027-06-01"
    api.set_clock(noon_on("2027-05-20"))  # inside what would be the reissue SO's window
    before = row_counts()
    response = acme_expiring["carla"].post("/api/v1/sales-orders/SO-1-R/reissue-requests", json=plan(planned_on="2027-06-01"))
    assert response.status_code == 422
    assert "reissue" in response.get_json()["message"]
    assert row_counts() == before


def test_nothing_to_reissue_is_422(api, acme_expiring):
    from clc_ledger.db import transactional
    from clc_ledger.accounts.services import lock_company
    from clc_ledger.ledger.entries import record_entry
    from clc_ledger.ledger.models import SalesOrder
    from clc_ledger.extensions import db

    @transactional
    def spend_everything():
        so = db.session.query(SalesOrder).filter_by(so_number=SO).one()
        record_entry(lock_company(so.company_id), so, "debit", -so.balance, description="test spend")

    spend_everything()
    api.set_clock(noon_on("2026-12-01"))
    before = row_counts()
    response = acme_expiring["carla"].post(URL, json=plan(total="0.01"))
    assert response.status_code == 422 and "no credits" in response.get_json()["message"]
    assert row_counts() == before


def test_after_expiry_the_amount_is_what_expired_even_before_the_job_runs(api, acme_expiring):
    api.set_clock(noon_on("2027-01-15"))
    before = row_counts()
    assert acme_expiring["carla"].post(URL, json=plan(total="99.99")).status_code == 422
    assert row_counts() == before  # the refused request did not even write the expiry
    assert api.admin.get(f"/api/v1/sales-orders/{SO}").get_json()["status"] == "expired"  # on read
    response = acme_expiring["carla"].post(URL, json=plan())
    assert response.status_code == 201 and response.get_json()["amount"] == "100.00"
    entries = acme_expiring["carla"].get(f"/api/v1/companies/{acme_expiring['company']['id']}/ledger").get_json()["entries"]
    assert [(e["kind"], e["amount"]) for e in entries] == [("activation", "100.00"), ("expiry", "-100.00")]
    assert stored_balances_match_entries()


def test_a_booked_or_invoiced_sales_order_cannot_be_reissued(api, acme_expiring):
    api.sales_order("SO-2", acme_expiring["company"]["id"], "10.00", invoice_date="2026-01-20", activate=False)
    api.set_clock(noon_on("2026-12-01"))
    response = acme_expiring["carla"].post("/api/v1/sales-orders/SO-2/reissue-requests", json=plan(total="10.00"))
    assert response.status_code == 422


# --- access --------------------------------------------------------------------------

def test_without_a_token_401(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    assert api.client.post(URL, json=plan()).status_code == 401
    assert api.client.get("/api/v1/reissue-requests").status_code == 401


@pytest.mark.parametrize("who", ["mia", "olga"])
def test_only_captains_request_a_reissue(api, acme_expiring, who):
    api.set_clock(noon_on("2026-12-01"))
    before = row_counts()
    assert acme_expiring[who].post(URL, json=plan()).status_code == 403
    assert api.admin.post(URL, json=plan()).status_code == 403
    assert row_counts() == before


def test_before_accepting_the_terms_403(api, acme_expiring):
    api.set_clock(noon_on("2026-12-01"))
    newcomer = api.person("cody", "captain", acme_expiring["company"]["id"], accept_terms=False)
    assert newcomer.post(URL, json=plan()).status_code == 403
    assert acme_expiring["carla"].post(URL, json=plan()).status_code == 201


def test_another_companys_sales_order_and_requests_are_404(api, acme_expiring):
    other = api.company("Globex Corp")
    gus = api.person("gus", "captain", other["id"])
    api.set_clock(noon_on("2026-12-01"))
    before = row_counts()
    assert gus.post(URL, json=plan()).status_code == 404
    assert gus.post("/api/v1/sales-orders/SO-NOPE/reissue-requests", json=plan()).status_code == 404
    assert row_counts() == before
    mine = acme_expiring["carla"].post(URL, json=plan()).get_json()
    assert gus.get(f"/api/v1/reissue-requests/{mine['id']}").status_code == 404
    assert gus.get(f"/api/v1/reissue-requests/{mine['id'] + 1000}").status_code == 404
    assert gus.get("/api/v1/reissue-requests").get_json() == {"reissue_requests": []}


def test_company_people_see_their_requests_and_admins_all(api, acme_expiring):
    other = api.company("Globex Corp")
    gus = api.person("gus", "captain", other["id"])
    api.sales_order("SO-G", other["id"], "5.00", invoice_date="2026-01-10")
    api.set_clock(noon_on("2026-12-01"))
    mine = acme_expiring["carla"].post(URL, json=plan()).get_json()
    theirs = gus.post("/api/v1/sales-orders/SO-G/reissue-requests", json=plan(total="5.00")).get_json()
    assert api.admin.post(f"/api/v1/reissue-requests/{theirs['id']}/reject", json={"reason": "No."}).status_code == 200
    detail = acme_expiring["olga"].get(f"/api/v1/reissue-requests/{mine['id']}")
    assert detail.status_code == 200
    assert detail.get_json()["requested_by"] == "carla" and detail.get_json()["so_number"] == SO
    assert [r["id"] for r in acme_expiring["mia"].get("/api/v1/reissue-requests").get_json()["reissue_requests"]] == [mine["id"]]
    assert [r["id"] for r in api.admin.get("/api/v1/reissue-requests").get_json()["reissue_requests"]] == [
        theirs["id"], mine["id"]]
    rejected = api.admin.get("/api/v1/reissue-requests?status=rejected").get_json()["reissue_requests"]
    assert [r["id"] for r in rejected] == [theirs["id"]]
    assert api.admin.get("/api/v1/reissue-requests?status=bogus").status_code == 422


def test_expires_on_constant_matches_the_fixture(api, acme_expiring):
    assert api.admin.get(f"/api/v1/sales-orders/{SO}").get_json()["expires_on"] == EXPIRES_ON
