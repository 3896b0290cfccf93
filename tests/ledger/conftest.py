import pytest


@pytest.fixture
def acme(api):
    """A company with a captain, a second captain, a member and an observer, and a clock in
    mid-2026 (Los Angeles), with no sales orders yet."""
    api.set_clock("2026-06-15T19:00:00+00:00")
    company = api.company("Acme Networks")
    people = {
        "company": company,
        "carla": api.person("carla", "captain", company["id"]),
        "dana": api.person("dana", "captain", company["id"]),
        "mo": api.person("mo", "member", company["id"]),
        "obi": api.person("obi", "observer", company["id"]),
    }
    return people


@pytest.fixture
def approval_required(api, acme):
    from clc_ledger.accounts.models import Company
    from clc_ledger.extensions import db

    db.session.execute(db.update(Company).where(Company.id == acme["company"]["id"])
                       .values(captain_approval_required=True))
    db.session.commit()
    return acme
