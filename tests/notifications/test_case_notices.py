"""Reissue requests and disputes are mailed through the outbox, in the company's language
(R-TXT-1, R-NOT-2): a request to the back office, its outcome to the captains, a dispute
opened and resolved to the captains and the back office. Delivered to a real SMTP server."""
import pytest

CASES = {
    "en_US": dict(country="US", submitted="Reissue request #{id} from Acme: 100.00 CLC on SO-1",
                  approved="Your reissue of SO-1 was approved: 100.00 CLC on SO-1-R",
                  rejected="Your reissue of SO-2 was rejected", opened="Debit #{id} of Acme is disputed",
                  resolved="The dispute of debit #{id} was upheld", words=["asks to reissue", "Reason:"]),
    "de_DE": dict(country="DE", submitted="Neuausstellungsantrag Nr. {id} von Acme: 100,00 CLC auf SO-1",
                  approved="Ihre Neuausstellung von SO-1 wurde genehmigt: 100,00 CLC auf SO-1-R",
                  rejected="Ihre Neuausstellung von SO-2 wurde abgelehnt",
                  opened="Belastung Nr. {id} von Acme wird beanstandet",
                  resolved="Der Beanstandung der Belastung Nr. {id} wurde stattgegeben",
                  words=["beantragt die Neuausstellung", "Begründung:", "Schulung mit Trainer"]),
    "ja_JP": dict(country="JP", submitted="Acme からの再発行申請 #{id}：SO-1 の 100.00 CLC",
                  approved="SO-1 の再発行が承認されました：SO-1-R に 100.00 CLC",
                  rejected="SO-2 の再発行は却下されました", opened="Acme の引き落とし #{id} に異議が申し立てられました",
                  resolved="引き落とし #{id} への異議は認められました",
                  words=["再発行を申請しました", "理由", "インストラクター主導トレーニング"]),
    "fr_FR": dict(country="FR", submitted="Demande de réémission n° {id} de Acme : 100,00 CLC sur SO-1",
                  approved="Votre réémission de SO-1 a été approuvée : 100,00 CLC sur SO-1-R",
                  rejected="Votre réémission de SO-2 a été rejetée", opened="Le débit n° {id} de Acme est contesté",
                  resolved="La contestation du débit n° {id} a été acceptée",
                  words=["demande la réémission", "Motif", "Formation avec formateur"]),
}


def plan(total):
    return {"justification": "Migration project", "training_plan": [
        {"item": "CCNP ENCOR", "category": "instructor_led_training", "planned_on": "2027-01-20", "credits": total}]}


def delivered(api, smtp):
    assert api.admin.post("/api/v1/jobs/deliver-outbox/run").status_code == 200
    return {(message["Subject"], address.strip()): message for message in smtp.messages
            for address in message["To"].split(",")}


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("locale", list(CASES))
def test_reissue_and_dispute_notices_reach_the_right_people_in_the_company_language(api, smtp, locale):
    case = CASES[locale]
    api.set_clock("2026-06-15T19:00:00+00:00")
    admin = api.admin
    company = api.company("Acme", country=case["country"], locale=locale)
    carla = api.person("carla", "captain", company["id"])
    api.person("dana", "captain", company["id"])
    mo = api.person("mo", "member", company["id"])
    api.sales_order("SO-1", company["id"], "100.00")
    api.sales_order("SO-2", company["id"], "50.00")
    charge = mo.post("/api/v1/debits", json={"amount": "6.00", "category": "instructor_led_training",
                                             "description": "CCNA"}).get_json()

    opened = carla.post(f"/api/v1/debits/{charge['id']}/disputes", json={"reason": "Never attended"}).get_json()
    mails = delivered(api, smtp)
    subject = case["opened"].format(id=charge["id"])
    for address in ("carla@example.com", "dana@example.com", "bo@example.com"):
        assert (subject, address) in mails, (subject, sorted(mails))
    assert case["words"][-1] in body(mails[(subject, "bo@example.com")]) or locale == "en_US"
    assert admin.post(f"/api/v1/disputes/{opened['id']}/resolve",
                      json={"outcome": "upheld", "note": "ok"}).status_code == 200
    mails = delivered(api, smtp)
    subject = case["resolved"].format(id=charge["id"])
    assert (subject, "dana@example.com") in mails and (subject, "bo@example.com") in mails, sorted(mails)

    api.set_clock("2026-12-01T19:00:00+00:00")  # inside the reissue window of SO-1 and SO-2
    first = carla.post("/api/v1/sales-orders/SO-1/reissue-requests", json=plan("100.00"))
    second = carla.post("/api/v1/sales-orders/SO-2/reissue-requests", json=plan("50.00"))
    assert first.status_code == second.status_code == 201, (first.get_json(), second.get_json())
    mails = delivered(api, smtp)
    subject = case["submitted"].format(id=first.get_json()["id"])
    assert (subject, "bo@example.com") in mails, [key for key in sorted(mails) if "bo@" in key[1]]
    assert case["words"][0] in body(mails[(subject, "bo@example.com")])
    assert not [key for key in mails if key[0] == subject and key[1] != "bo@example.com"]

    assert admin.post(f"/api/v1/reissue-requests/{first.get_json()['id']}/approve").status_code == 200
    assert admin.post(f"/api/v1/reissue-requests/{second.get_json()['id']}/reject",
                      json={"reason": "No plan"}).status_code == 200
    mails = delivered(api, smtp)
    for subject in (case["approved"], case["rejected"]):
        assert (subject, "carla@example.com") in mails and (subject, "dana@example.com") in mails, \
            (subject, sorted(mails))
    rejected = body(mails[(case["rejected"], "dana@example.com")])
    assert case["words"][1] in rejected and "No plan" in rejected
    assert not [key for key in mails if key[1] == "mo@example.com" and "SO-1-R" in key[0]]
