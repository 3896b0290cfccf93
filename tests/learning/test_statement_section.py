"""R-TEAM-2: the monthly statement's learning section: CE credits earned that month from
training bought with CLCs, and certifications expiring in the next 90 days, in every language."""
import io

import pypdf
import pytest

from clc_ledger.statements.html import render_html
from tests.statements.helpers import statements_of

from .conftest import certify
from .test_clc_link import buy, claims_of

WORDS = {
    "en_US": ("Learning", "CE credits earned this month from training bought with Learning Credits: 40",
              "(claims: 1; people: 1)", "Certifications expiring within 90 days:",
              "Quinn: CCNA expires on Aug 15, 2026, in 46 days"),
    "de_DE": ("Weiterbildung", "mit Learning Credits gekaufter Schulungen erworbene CE-Credits: 40",
              "(Anträge: 1; Personen: 1)",
              "Zertifizierungen, die innerhalb von 90 Tagen ablaufen:", "Quinn: CCNA läuft am 15.08.2026 ab, in 46 Tagen"),
    "ja_JP": ("学習", "今月 Learning Credits で購入したトレーニングで取得した CE クレジット: 40",
              "（申請 1 件、1 人）", "90 日以内に期限切れとなる認定:",
              "Quinn: CCNA は 2026/08/15（あと 46 日）に期限切れ"),
    "fr_FR": ("Formation", "Crédits CE obtenus ce mois-ci grâce aux formations payées en Learning Credits : 40",
              "(demandes : 1 ; personnes : 1)", "Certifications expirant dans les 90 jours :",
              "Quinn : CCNA expire le 15 août 2026, dans 46 jours"),
}


@pytest.mark.parametrize("locale", sorted(WORDS))
def test_the_june_statement_states_credits_from_clc_training_and_certifications_expiring(api, catalog, locale):
    api.set_clock("2026-06-15T19:00:00+00:00")
    company = api.company("Acme Networks", country=locale[-2:], locale=locale)
    carla = api.person("carla", "captain", company["id"])
    pat = carla.post("/api/v1/people", json={"name": "Pat", "email": "pat@acme.example"}).get_json()["id"]
    quinn = carla.post("/api/v1/people", json={"name": "Quinn", "email": "quinn@acme.example"}).get_json()["id"]
    api.sales_order("SO-1", company["id"], "500.00")
    certify(carla, pat)
    certify(carla, quinn, name="CCNA", level="associate", earned_on="2023-08-15")  # expires 2026-08-15
    certify(carla, quinn, name="CCNP Security", earned_on="2023-10-15")  # 2026-10-15: beyond 90 days
    debit = buy(carla, catalog, [pat], event_date="2026-06-14")
    [planned] = claims_of(carla, debit_id=debit["id"])
    assert carla.post(f"/api/v1/ce-claims/{planned['id']}/complete", json={"completed_on": "2026-06-14",
                                                                            "validation_code": "V"}).status_code == 200
    assert carla.post(f"/api/v1/ce-claims/{planned['id']}/earn").status_code == 200
    api.set_clock("2026-07-01T06:00:00-07:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    june = statements_of(company["id"])["2026-06"]
    section = june.content["learning"]
    assert section["credits_earned"] == 40 and [line["certification"] for line in section["expiring"]] == ["CCNA"]
    html = render_html(june)
    for words in WORDS[locale]:
        assert words in html, words
    pdf = carla.get(f"/api/v1/companies/{company['id']}/statements/2026-06.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages).replace(" ", "").replace("\x00", "")
    assert WORDS[locale][0] in text and "CCNA" in text


def test_a_month_with_nothing_to_state_has_no_learning_section(api, acme):
    api.sales_order("SO-1", acme["company"]["id"], "500.00")
    api.set_clock("2026-07-01T06:00:00-07:00")
    assert api.admin.post("/api/v1/jobs/monthly-statements/run").status_code == 200
    june = statements_of(acme["company"]["id"])["2026-06"]
    assert "learning" not in june.content and "CE credits earned" not in render_html(june)
