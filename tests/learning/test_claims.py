"""CE items, claims, evidence, review and exams (R-CEI-1, R-CEC-1..3, R-CER-2, R-CRT-3, R-CEX-1)."""
import hashlib

from tests.helpers import row_counts

from .conftest import certifications, certify, claim

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


def test_the_catalog_refuses_duplicate_codes_and_credits_outside_1_to_120(api, catalog, roster):  # R-CEI-1
    body = {"code": "ENCOR", "title": "Again", "credits": 10, "delivery": "ilt"}
    assert api.admin.post("/api/v1/ce-items", json=body).status_code == 409
    for credits in (0, 121, 2.5, "10"):
        assert api.admin.post("/api/v1/ce-items", json={**body, "code": "NEW", "credits": credits}).status_code == 422
    assert roster["carla"].post("/api/v1/ce-items", json={**body, "code": "NEW"}).status_code == 403
    found = roster["mo"].get("/api/v1/ce-items?q=py").get_json()["ce_items"]
    assert [item["code"] for item in found] == ["PY-REV"]


def test_the_90_day_window_day_90_passes_and_day_91_is_refused_naming_the_day_it_closed(roster, catalog):  # R-CEC-2
    carla, pat = roster["carla"], roster["pat"]["id"]
    certify(carla, pat)
    before = row_counts()
    refused = claim(carla, pat, catalog["encor"]["id"], "2026-03-16", expect=422)  # 91 days before 15 June
    assert "closed on 2026-06-14" in refused["message"]
    assert row_counts() == before
    accepted = claim(carla, pat, catalog["encor"]["id"], "2026-03-17")  # 90 days
    assert accepted["status"] == "pending" and accepted["credits"] == 40 and accepted["warnings"] == []
    assert claim(carla, pat, catalog["python"]["id"], "2026-06-16", expect=422)["errors"]
    # The same item counts once per cycle.
    claim(carla, pat, catalog["encor"]["id"], "2026-05-01", expect=409)


def test_a_claim_must_fall_inside_an_active_cycle(api, roster, catalog):  # R-CEC-2
    carla, quinn = roster["carla"], roster["quinn"]["id"]
    claim(carla, quinn, catalog["encor"]["id"], "2026-06-01", expect=422)  # no certification at all
    certify(carla, quinn, "CCNA", "associate", "2026-06-10")
    claim(carla, quinn, catalog["encor"]["id"], "2026-06-01", expect=422)  # before the cycle started
    claim(carla, quinn, catalog["encor"]["id"], "2026-06-10")


def test_each_transition_happens_once_and_review_is_by_someone_other_than_the_person(api, roster, catalog):  # R-CEC-1, R-CEC-3
    carla, dana, mo, pat = roster["carla"], roster["dana"], roster["mo"], roster["pat"]["id"]
    certify(carla, pat)
    made = claim(mo, pat, catalog["encor"]["id"], "2026-06-01")
    assert mo.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 403  # a member reviews nothing
    api.admin.patch(f"/api/v1/users/{mo.user.id}", json={"role": "captain"})
    assert mo.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 403  # nor their own claim
    assert carla.post(f"/api/v1/ce-claims/{made['id']}/deny", json={"reason": " "}).status_code == 422
    assert carla.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 200
    assert dana.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 409
    assert dana.post(f"/api/v1/ce-claims/{made['id']}/deny", json={"reason": "late"}).status_code == 409
    assert carla.post(f"/api/v1/ce-claims/{made['id']}/complete", json={"completed_on": "2026-06-01"}).status_code == 409
    other = claim(carla, pat, catalog["python"]["id"], "2026-06-02")
    denied = dana.post(f"/api/v1/ce-claims/{other['id']}/deny", json={"reason": "No certificate"})
    assert denied.status_code == 200 and denied.get_json()["reason"] == "No certificate"
    assert carla.post(f"/api/v1/ce-claims/{other['id']}/earn").status_code == 409


def test_evidence_is_checked_by_content_kept_with_its_sha256_at_most_5_files(roster, catalog):  # R-CEC-1
    carla, pat = roster["carla"], roster["pat"]["id"]
    certify(carla, pat)
    made = claim(carla, pat, catalog["encor"]["id"], "2026-06-01", code=None)
    url = f"/api/v1/ce-claims/{made['id']}/evidence"
    assert carla.post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 422  # nothing to show yet

    def upload(content, name):
        from io import BytesIO
        return carla.post(url, data={"file": (BytesIO(content), name)}, content_type="multipart/form-data")

    fake = upload(b"MZ\x90\x00 not a pdf", "certificate.pdf")
    assert fake.status_code == 422
    kept = upload(PDF, "certificate.bin")
    assert kept.status_code == 201
    assert kept.get_json()["mimetype"] == "application/pdf"
    assert kept.get_json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert upload(PNG, "a.png").get_json()["mimetype"] == "image/png"
    assert upload(JPEG, "b.jpg").get_json()["mimetype"] == "image/jpeg"
    assert upload(PDF, "c.pdf").status_code == 201 and upload(PDF, "d.pdf").status_code == 201
    assert upload(PDF, "e.pdf").status_code == 422  # a sixth file
    assert roster["dana"].post(f"/api/v1/ce-claims/{made['id']}/earn").status_code == 200
    assert upload(PDF, "late.pdf").status_code == 409  # never changed after review


def test_evidence_over_10_mb_is_refused(roster, catalog):  # R-CEC-1
    from io import BytesIO

    carla, pat = roster["carla"], roster["pat"]["id"]
    certify(carla, pat)
    made = claim(carla, pat, catalog["encor"]["id"], "2026-06-01")
    big = PDF + b"\0" * (10 * 1024 * 1024 - len(PDF) + 1)
    response = carla.post(f"/api/v1/ce-claims/{made['id']}/evidence", data={"file": (BytesIO(big), "big.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 413


def earn(reviewer, claim_row):
    response = reviewer.post(f"/api/v1/ce-claims/{claim_row['id']}/earn")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_recertifying_cascades_to_lower_levels_consumes_the_pool_and_keeps_history(api, roster, catalog):  # R-CRT-3, R-CER-2
    from clc_ledger.learning.people import history_of

    carla, dana, pat = roster["carla"], roster["dana"], roster["pat"]["id"]
    ccnp = certify(carla, pat, "CCNP Enterprise", "professional", "2023-08-01")
    ccna = certify(carla, pat, "CCNA", "associate", "2023-09-01")
    expert = certify(carla, pat, "CCIE", "expert", "2023-09-01")
    big = catalog["item"]("BIG-90", 90)
    earn(dana, claim(carla, pat, big["id"], "2026-06-01"))
    rows = certifications(carla, pat)
    # 90 earned: both CCNA (30) and CCNP (80) are met; the highest level recertifies and takes
    # CCNA along; CCIE (120) keeps what CCNP left unused: 10.
    assert rows["CCNP Enterprise"]["cycle_started_on"] == "2026-06-01"
    assert rows["CCNA"]["cycle_started_on"] == "2026-06-01" and rows["CCNA"]["expires_on"] == "2029-06-01"
    assert rows["CCIE"]["cycle_started_on"] == "2023-09-01" and rows["CCIE"]["earned"] == 10
    assert rows["CCNP Enterprise"]["earned"] == 10  # completed on the new cycle's first day, not consumed
    assert [r.reason for r in history_of(ccna["id"])] == ["cascade"]
    assert [r.reason for r in history_of(ccnp["id"])] == ["pathway"] and not history_of(expert["id"])


def test_an_exam_that_recertifies_early_warns_with_the_new_expiry_and_credits_lost(roster, catalog):  # R-CEX-1
    carla, dana, pat = roster["carla"], roster["dana"], roster["pat"]["id"]
    certify(carla, pat, "CCNP Enterprise", "professional", "2024-03-01")
    earn(dana, claim(carla, pat, catalog["encor"]["id"], "2026-06-01"))
    exam = carla.post(f"/api/v1/people/{pat}/exams", json={"code": "350-401", "kind": "technology_core",
                                                           "passed_on": "2026-06-15"})
    assert exam.status_code == 201
    [warning] = exam.get_json()["warnings"]
    assert warning["new_expires_on"] == "2029-06-15" and warning["credits_expiring_unused"] == 40
    rows = certifications(carla, pat)
    assert rows["CCNP Enterprise"]["earned"] == 0 and rows["CCNP Enterprise"]["expires_on"] == "2029-06-15"
    future = carla.post(f"/api/v1/people/{pat}/exams", json={"code": "x", "kind": "associate", "passed_on": "2026-06-16"})
    assert future.status_code == 422


def test_a_claim_pending_on_the_expiry_day_and_earned_later_still_recertifies(api, roster, catalog):  # R-CEC-3
    carla, dana, pat = roster["carla"], roster["dana"], roster["pat"]["id"]
    certify(carla, pat, "CCNA", "associate", "2023-06-20")  # expires 2026-06-20
    api.set_clock("2026-06-20T19:00:00+00:00")
    pending = claim(carla, pat, catalog["encor"]["id"], "2026-06-20")
    api.set_clock("2026-06-25T19:00:00+00:00")
    assert certifications(carla, pat)["CCNA"]["status"] == "expired"
    earned = earn(dana, pending)
    assert earned["warnings"] == []
    row = certifications(carla, pat)["CCNA"]
    assert (row["status"], row["cycle_started_on"], row["expires_on"]) == ("active", "2026-06-20", "2029-06-20")


def test_an_expired_certification_is_not_recertified_by_later_credits(api, roster, catalog):  # R-CRT-2
    carla, dana, pat = roster["carla"], roster["dana"], roster["pat"]["id"]
    certify(carla, pat, "CCNA", "associate", "2023-06-10")  # expired 2026-06-11
    certify(carla, pat, "CCNP", "professional", "2025-01-01")
    earn(dana, claim(carla, pat, catalog["encor"]["id"], "2026-06-12"))
    rows = certifications(carla, pat)
    assert rows["CCNA"]["status"] == "expired" and rows["CCNA"]["cycle_started_on"] == "2023-06-10"
    assert rows["CCNP"]["earned"] == 40


def test_only_catalog_items_earn_credits_and_members_list_only_their_own_claims(api, roster, catalog):  # R-CEI-1, R-PPL-2
    carla, pat, quinn = roster["carla"], roster["pat"]["id"], roster["quinn"]["id"]
    certify(carla, pat)
    certify(carla, quinn)
    assert claim(carla, pat, 999, "2026-06-01", expect=422)["errors"]
    claim(carla, pat, catalog["encor"]["id"], "2026-06-01")
    theirs = claim(carla, quinn, catalog["encor"]["id"], "2026-06-01")
    assert [c["person_id"] for c in roster["mo"].get("/api/v1/ce-claims").get_json()["claims"]] == [pat]
    assert roster["mo"].get(f"/api/v1/ce-claims/{theirs['id']}").status_code == 404
    assert len(roster["obi"].get("/api/v1/ce-claims").get_json()["claims"]) == 2
    assert roster["obi"].post(f"/api/v1/ce-claims/{theirs['id']}/earn").status_code == 403  # observers change nothing


def test_credits_that_recertify_early_warn_too_and_91_days_is_early_but_90_is_not(api, roster, catalog):  # R-CEX-1
    carla, dana, pat, quinn = roster["carla"], roster["dana"], roster["pat"]["id"], roster["quinn"]["id"]
    certify(carla, pat, "CCNA", "associate", "2023-09-14")  # expires 2026-09-14: 91 days after 15 June
    certify(carla, quinn, "CCNA", "associate", "2023-09-13")  # expires 2026-09-13: 90 days after
    early = earn(dana, claim(carla, pat, catalog["encor"]["id"], "2026-06-15"))
    assert [w["new_expires_on"] for w in early["warnings"]] == ["2029-06-15"]
    on_time = earn(dana, claim(carla, quinn, catalog["encor"]["id"], "2026-06-15"))
    assert on_time["warnings"] == []
