"""Measure 7 (Learning I): (a) the company overview `GET /api/v1/companies/{id}/learning` for
5,000 people with 3 certifications each and two claims per person, server time per request,
target under 200 ms; (b) the `learning-reminders` job with the same number of
certifications due among 10x more in total: time ratio big / small <= 1.5 (its cost grows
with what is due, not with the roster).
"""
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, update

from bench import common

OVERVIEW_TARGET_MS = 200
RATIO_TARGET = 1.5
NOW = datetime(2026, 6, 15, 19, 0, tzinfo=UTC)
TODAY = date(2026, 6, 15)
LEVELS = ("associate", "professional", "expert")


def _build(kind, name, people, due):
    """A company with `people` people x 3 certifications; `due` of them have a reminder due
    today, the rest months away. Returns (app, company_id)."""
    from clc_ledger.extensions import db
    from clc_ledger.learning.models import CeItem, Certification, Claim, Person

    app = common.make_app(kind, name, TESTING=True)
    with app.app_context():
        common.freeze_clock(NOW)
        company_id = common.add_companies(1)[0]
        db.session.add(CeItem(id=1, code="ENCOR", title="ENCOR", credits=40, delivery="ilt"))
        db.session.commit()
        rng = common.seeded(7)
        common.bulk_insert(Person.__table__, [
            {"id": n, "company_id": company_id, "name": f"Person {n:05d}", "email": f"p{n}@example.com",
             "cisco_id": None, "user_id": None, "active": True, "created_at": NOW} for n in range(1, people + 1)])
        certifications, serial = [], 0
        for n in range(1, people + 1):
            for level in LEVELS:
                serial += 1
                started = TODAY - timedelta(days=rng.randint(30, 3 * 365 - 1))
                expires = started.replace(year=started.year + 3) if (started.month, started.day) != (2, 29) \
                    else started.replace(year=started.year + 3, day=28)
                reminder = TODAY if serial <= due else TODAY + timedelta(days=rng.randint(30, 900))
                certifications.append({
                    "id": serial, "person_id": n, "company_id": company_id, "name": f"Cert {level}", "level": level,
                    "earned_on": started, "cycle_started_on": started, "expires_on": expires,
                    "next_reminder_on": reminder, "created_at": NOW})
        common.bulk_insert(Certification.__table__, certifications)
        common.bulk_insert(Claim.__table__, [
            {"id": 2 * n + k - 1, "person_id": n, "company_id": company_id, "ce_item_id": 1,
             "status": ("earned", "pending")[k], "credits": 40, "credits_used": 0,
             "completed_on": TODAY - timedelta(days=rng.randint(1, 80)), "expected_on": None,
             "validation_code": "V", "reason": None, "flagged": False, "created_at": NOW, "submitted_at": NOW,
             "resolved_at": None, "resolved_by_id": None} for n in range(1, people + 1) for k in (0, 1)])
        common.reset_sequences()
        common.analyze()
        db.session.remove()
    return app, company_id


def _overview_times(app, company_id, calls, runs):
    from clc_ledger.accounts.services import issue_token
    from clc_ledger.extensions import db

    with app.app_context():
        token, _record = issue_token(common.users_of(company_id)["captain"])
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def requests():
        for _ in range(calls):
            response = client.get(f"/api/v1/companies/{company_id}/learning", headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]

    requests()  # warm
    return [common.timed(requests)[0] / calls * 1000 for _ in range(runs)]


def _reminder_times(app, due, runs):
    from clc_ledger.extensions import db
    from clc_ledger.learning.models import Certification
    from clc_ledger.learning.reminders import send_learning_reminders
    from clc_ledger.notifications.models import OutboxMessage

    times = []
    with app.app_context():
        for _ in range(runs + 1):
            db.session.execute(update(Certification).where(Certification.id <= due).values(next_reminder_on=TODAY))
            db.session.execute(delete(OutboxMessage))
            db.session.commit()
            db.session.remove()
            elapsed, result = common.timed(send_learning_reminders, NOW)
            assert result["certifications_due"] == due, result
            times.append(elapsed)
        db.session.remove()
    return times[1:]  # the first run warms caches


def run(size="small", kinds=None, runs=None):
    people = common.pick(size, 100, 1_000, 5_000)
    small, big = common.pick(size, (100, 1_000), (500, 5_000), (500, 5_000))
    due = common.pick(size, 10, 50, 100)
    calls = common.pick(size, 2, 5, 10)
    runs = runs or common.pick(size, 1, 3, 5)
    results = []
    for kind in common.databases(kinds):
        app, company_id = _build(kind, "b7_overview", people, due)
        times = _overview_times(app, company_id, calls, runs)
        common.dispose(app)
        stat = common.Stat(times)
        results.append(common.Result(
            "7a", f"learning overview: {people:,} people x 3 certifications (ms per request)", kind,
            f"{people * 3:,} certifications, {people * 2:,} claims, {calls} requests x {runs} runs", stat, "ms",
            f"< {OVERVIEW_TARGET_MS}", stat.median < OVERVIEW_TARGET_MS))
        job = {}
        for total in (small, big):
            app, _company = _build(kind, f"b7_reminders_{total}", total, due)
            job[total] = _reminder_times(app, due, runs)
            common.dispose(app)
        ratios = [b / s for s, b in zip(job[small], job[big])]
        stat = common.Stat(ratios)
        results.append(common.Result(
            "7b", f"learning-reminders: {due} due among {big * 3:,} vs {small * 3:,} certifications (time ratio)",
            kind, f"{small * 3:,} / {big * 3:,} certifications, {due} due, {runs} runs", stat, "",
            f"<= {RATIO_TARGET}", stat.median <= RATIO_TARGET,
            {"ms_per_run_small": common.Stat(job[small]).median * 1000,
             "ms_per_run_big": common.Stat(job[big]).median * 1000}))
    return results


def main(argv=None):
    common.command_line(run, argv)


if __name__ == "__main__":
    main()
