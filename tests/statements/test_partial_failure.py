"""R-JOB-2: the database fails for some companies during the statements run (injected at the
connection: the driver raises OperationalError, as when PostgreSQL restarts). The run issues
what it can, records the companies that failed and is `partial`, never `ok`; the next run
issues exactly the missing statements, each with its one email (R-STM-2)."""
import contextlib

from sqlalchemy import event, select

from clc_ledger.extensions import db
from clc_ledger.jobs.models import JobRun
from clc_ledger.notifications.models import OutboxMessage
from clc_ledger.statements.models import Statement


@contextlib.contextmanager
def connection_fails_for(company_ids):
    """Every statement sent to the database that reads the companies table for one of these
    companies fails in the driver, as a dropped connection does."""
    engine = db.engine

    def before_cursor_execute(connection, _cursor, statement, parameters, _context, _executemany):
        values = parameters.values() if isinstance(parameters, dict) else (parameters or ())
        if "companies" in statement and any(value in company_ids for value in values if isinstance(value, int)):
            raise connection.dialect.loaded_dbapi.OperationalError(
                "server closed the connection unexpectedly (injected)")

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def issued():
    db.session.rollback()
    return sorted(tuple(row) for row in db.session.execute(select(Statement.company_id, Statement.period)))


def run_statements(api):
    response = api.admin.post("/api/v1/jobs/monthly-statements/run")
    assert response.status_code == 200, response.get_json()
    db.session.rollback()
    status = db.session.scalar(select(JobRun.status).order_by(JobRun.id.desc()).limit(1))
    return response.get_json()["result"], status


def test_R_JOB_2_companies_whose_connection_fails_are_recorded_the_run_is_partial_and_the_next_issues_them(api):
    api.set_clock("2026-01-12T10:00:00-08:00")
    companies = []
    for number in range(6):
        company = api.company(name=f"Branch{number} GmbH")
        api.sales_order(f"SO-P{number}", company["id"], "10.00", booked_on="2026-01-02", invoice_date="2026-01-05")
        companies.append(company["id"])
    broken = {companies[1], companies[4]}
    api.set_clock("2026-03-01T06:00:00-08:00")

    with connection_fails_for(broken):
        result, status = run_statements(api)
    assert status == "partial"
    assert sorted(f["company_id"] for f in result["failed"]) == sorted(broken)
    everyone = sorted((company_id, period) for company_id in companies for period in ("2026-01", "2026-02"))
    missing = [key for key in everyone if key[0] in broken]
    assert issued() == [key for key in everyone if key[0] not in broken]

    result, status = run_statements(api)
    assert status == "ok" and result["failed"] == []
    assert sorted((s["company_id"], s["period"]) for s in result["statements"]) == missing
    assert issued() == everyone
    db.session.rollback()
    keys = db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("statement:%")))
    assert sorted(keys) == sorted(f"statement:{company_id}:{period}" for company_id, period in everyone)

    result, status = run_statements(api)  # nothing left: nothing more
    assert (result["issued"], status) == (0, "ok")
