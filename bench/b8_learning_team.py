"""Measure 8 (Learning II): (a) the team view's lapse forecast
`GET /api/v1/companies/{id}/learning/forecast?within_days=180` and its at-risk rows
`GET .../learning?status=at_risk&within_days=180` for 5,000 people with 3 certifications
each (Measure 7's dataset), server time per request, target under 200 ms; (b) the monthly
statements with the learning section (R-TEAM-2) against the same run without it (the section
switched off), on companies with people, CLC-funded credits earned in the month and
certifications expiring: rate ratio with / without >= 0.9 (within 10%).
"""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from bench import b5_statements, b7_learning, common

FORECAST_TARGET_MS = 200
RATIO_TARGET = 0.9
STATEMENTS_NOW = datetime(2026, 10, 1, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles")).astimezone(UTC)
PEOPLE_PER_COMPANY = 10


def _team_times(app, company_id, calls, runs):
    from clc_ledger.accounts.services import issue_token
    from clc_ledger.extensions import db

    with app.app_context():
        token, _record = issue_token(common.users_of(company_id)["captain"])
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    times = {}
    for name, path in (("forecast", f"/api/v1/companies/{company_id}/learning/forecast?within_days=180"),
                       ("at_risk_rows", f"/api/v1/companies/{company_id}/learning?status=at_risk&within_days=180")):
        def requests():
            for _ in range(calls):
                response = client.get(path, headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
            return response.get_json()

        body = requests()  # warm
        times[name] = [common.timed(requests)[0] / calls * 1000 for _ in range(runs)]
        times[name + "_rows"] = len(body["rows"])
    return times


def _add_learning(app):
    """Per company: people with 3 certifications each, expiring over the next 3 years, and an
    earned claim each from a September debit of the company."""
    from clc_ledger.extensions import db
    from clc_ledger.learning.models import CeItem, Certification, Claim, Person
    from clc_ledger.ledger.models import Debit

    with app.app_context():
        now = STATEMENTS_NOW
        rng = common.seeded(8)
        db.session.add(CeItem(id=1, code="ENCOR", title="ENCOR", credits=40, delivery="ilt"))
        db.session.commit()
        from clc_ledger.accounts.models import Company

        # One posted CE-bearing debit row per company (the bench ledger's debits are bare entries).
        company_ids = db.session.scalars(select(Company.id).order_by(Company.id)).all()
        common.bulk_insert(Debit.__table__, [
            {"id": n, "company_id": cid, "requested_by_id": common.users_of(cid)["captain"], "amount": 900_00,
             "category": "instructor_led_training", "description": "ENCOR seats", "event_date": date(2026, 9, 8),
             "status": "posted", "requested_at": now, "decided_at": now, "decided_by_id": None, "reason": None,
             "reminded_at": None} for n, cid in enumerate(company_ids, start=1)])
        debits = {cid: n for n, cid in enumerate(company_ids, start=1)}
        people, certifications, claims, serial = [], [], [], 0
        for company_id, debit_id in sorted(debits.items()):
            for k in range(PEOPLE_PER_COMPANY):
                serial += 1
                people.append({"id": serial, "company_id": company_id, "name": f"Person {serial}",
                               "email": f"p{serial}@example.com", "cisco_id": None, "user_id": None, "active": True,
                               "created_at": now})
                # 3 certifications each, expiring uniformly over the next 3 years: about one in
                # twelve falls within the 90 days the section lists, as on a real roster.
                for c, days in enumerate(rng.randint(1, 3 * 365) for _ in range(3)):
                    expires = date(2026, 9, 30) + timedelta(days=days)
                    certifications.append({
                        "id": 3 * serial + c, "person_id": serial, "company_id": company_id, "name": f"Cert {c}",
                        "level": "professional", "earned_on": expires - timedelta(days=3 * 365),
                        "cycle_started_on": expires - timedelta(days=3 * 365), "expires_on": expires,
                        "next_reminder_on": None, "created_at": now})
                claims.append({"id": serial, "person_id": serial, "company_id": company_id, "ce_item_id": 1,
                               "debit_id": debit_id, "status": "earned", "credits": 40, "credits_used": 0,
                               "completed_on": date(2026, 9, 10 + k), "expected_on": None, "validation_code": "V",
                               "reason": None, "flagged": False, "created_at": now, "submitted_at": now,
                               "resolved_at": now, "resolved_by_id": None})
        common.bulk_insert(Person.__table__, people)
        common.bulk_insert(Certification.__table__, certifications)
        common.bulk_insert(Claim.__table__, claims)
        common.reset_sequences()
        common.analyze()
        db.session.remove()


def _statement_rates(app, companies, runs):
    """[(with, without)] statements per second, alternating which goes first."""
    from clc_ledger.extensions import db
    from clc_ledger.statements import snapshot
    from clc_ledger.notifications.models import OutboxAttachment, OutboxMessage
    from clc_ledger.statements.models import Statement
    from clc_ledger.statements.services import run_monthly_statements

    registered = list(snapshot.SECTIONS)  # learning's section, registered when the app loads it

    def once(with_section):
        snapshot.SECTIONS[:] = registered if with_section else [(key, provider) for key, provider in registered
                                                                if key != "learning"]
        try:
            with app.app_context():
                for model in (OutboxAttachment, OutboxMessage, Statement):
                    db.session.execute(delete(model))
                db.session.commit()
                db.session.remove()
                elapsed, summary = common.timed(run_monthly_statements, STATEMENTS_NOW)
                assert summary["issued"] == companies, summary
                stated = db.session.scalar(select(Statement).limit(1)).content
                assert ("learning" in stated) == with_section
                db.session.remove()
        finally:
            snapshot.SECTIONS[:] = registered
        return companies / elapsed

    once(True)  # warm: fonts, templates, statements compiled
    pairs = []
    for n in range(runs):
        if n % 2:
            without = once(False)
            pairs.append((once(True), without))
        else:
            pairs.append((once(True), once(False)))
    return pairs


def run(size="small", kinds=None, runs=None):
    people = common.pick(size, 100, 1_000, 5_000)
    calls = common.pick(size, 2, 5, 10)
    companies = common.pick(size, 3, 40, 400)
    runs = runs or common.pick(size, 1, 3, 5)
    results = []
    for kind in common.databases(kinds):
        app, company_id = b7_learning._build(kind, "b8_team", people, 10)
        times = _team_times(app, company_id, calls, runs)
        common.dispose(app)
        for name, label in (("forecast", "lapse forecast"), ("at_risk_rows", "team view, at-risk rows")):
            stat = common.Stat(times[name])
            results.append(common.Result(
                "8a", f"{label}: {people:,} people x 3 certifications (ms per request)", kind,
                f"{people * 3:,} certifications, {times[name + '_rows']:,} rows within 180 days, "
                f"{calls} requests x {runs} runs", stat, "ms", f"< {FORECAST_TARGET_MS}",
                stat.median < FORECAST_TARGET_MS))
        app = b5_statements._build(kind, companies)
        _add_learning(app)
        pairs = _statement_rates(app, companies, runs)
        common.dispose(app)
        stat = common.Stat([with_ / without for with_, without in pairs])
        results.append(common.Result(
            "8b", "monthly statements with the learning section / without (rate ratio)", kind,
            f"{companies:,} companies x {PEOPLE_PER_COMPANY} people x 3 certifications, {runs} runs", stat, "",
            f">= {RATIO_TARGET}", stat.median >= RATIO_TARGET,
            {"with_per_s": common.Stat([p[0] for p in pairs]).median,
             "without_per_s": common.Stat([p[1] for p in pairs]).median}))
    return results


def main(argv=None):
    common.command_line(run, argv)


if __name__ == "__main__":
    main()
