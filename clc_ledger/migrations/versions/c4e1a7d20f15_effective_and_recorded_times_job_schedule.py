"""ledger entries get effective and recorded times; jobs get partial/died runs and a schedule

R-LED-3: `ledger_entries.at` becomes `effective_at` and `recorded_at` is added. Existing
entries were recorded at their old `at`; each is effective then too, except expiry entries,
which take effect at their SO's expiry minute (12:01 a.m. local on expires_on, CLC_TIMEZONE)
or at the SO's previous entry if that came later, and never inside a month whose statement
the company already has (then at the start of the next month without one, `deferred_from`
naming the month it belonged in). The hash chain now covers both times, so every chain is
walked: each entry is first checked against the hash it was written with (a broken chain
stops the migration: run `clc-ledger verify-ledger` and repair it first), then hashed anew.

R-JOB-1, R-JOB-2: job runs may end `partial` or `died`; `job_schedule` keeps each scheduled
job's last completed local due date.

Revision ID: c4e1a7d20f15
Revises: 7d11e1f1b4a9
Create Date: 2026-11-30 06:30:00

"""
import hashlib
import json
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
import clc_ledger.db


# revision identifiers, used by Alembic.
revision = 'c4e1a7d20f15'
down_revision = '7d11e1f1b4a9'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('running', 'ok', 'error')"
NEW_STATUSES = "status IN ('running', 'ok', 'partial', 'error', 'died')"


def upgrade():
    _drop_append_only_triggers()
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_company_at')
        batch_op.alter_column('at', new_column_name='effective_at', existing_type=sa.DateTime(),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('recorded_at', clc_ledger.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('deferred_from', sa.String(length=7), nullable=True))
    op.execute("UPDATE ledger_entries SET recorded_at = effective_at")
    _rechain(upgrading=True)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('recorded_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index('ix_ledger_entries_company_effective_at', ['company_id', 'effective_at'], unique=False)
    _create_append_only_triggers()

    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_job_runs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_job_runs_status'), NEW_STATUSES)
    op.create_table('job_schedule',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('done_through', sa.Date(), nullable=True),
    sa.Column('retry_at', clc_ledger.db.UTCDateTime(), nullable=True),
    sa.Column('updated_at', clc_ledger.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_schedule'))
    )


def downgrade():
    op.drop_table('job_schedule')
    op.execute("UPDATE job_runs SET status = 'error' WHERE status IN ('partial', 'died')")
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_job_runs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_job_runs_status'), OLD_STATUSES)

    _drop_append_only_triggers()
    _rechain(upgrading=False)  # back to one time, the recorded one
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_company_effective_at')
        batch_op.drop_column('deferred_from')
        batch_op.drop_column('effective_at')
        batch_op.alter_column('recorded_at', new_column_name='at', existing_type=sa.DateTime(),
                              existing_nullable=False)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_company_at', ['company_id', 'at'], unique=False)
    _create_append_only_triggers()


# --- the chains ------------------------------------------------------------------------------
# Self-contained on purpose: the models may change after this migration, its data may not.

def _hash(prev_hash, content):
    payload = json.dumps([prev_hash, content], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _iso(instant):
    return instant.isoformat(timespec="microseconds")


def _old_content(row, at):
    return {"company_id": row.company_id, "sales_order_id": row.sales_order_id, "at": _iso(at), "kind": row.kind,
            "amount": int(row.amount), "debit_id": row.debit_id, "description": row.description,
            "actor_id": row.actor_id}


def _new_content(row, effective_at, recorded_at, deferred_from):
    return {"company_id": row.company_id, "sales_order_id": row.sales_order_id,
            "effective_at": _iso(effective_at), "recorded_at": _iso(recorded_at), "deferred_from": deferred_from,
            "kind": row.kind, "amount": int(row.amount), "debit_id": row.debit_id, "description": row.description,
            "actor_id": row.actor_id}


def _zone():
    try:
        from flask import current_app

        return ZoneInfo(current_app.config.get("CLC_TIMEZONE") or "America/Los_Angeles")
    except RuntimeError:  # run without the app (plain alembic)
        return ZoneInfo("America/Los_Angeles")


_UTC_TIME = clc_ledger.db.UTCDateTime()
entries = sa.table(
    "ledger_entries", sa.column("id", sa.BigInteger), sa.column("company_id", sa.Integer),
    sa.column("sales_order_id", sa.Integer), sa.column("effective_at", _UTC_TIME),
    sa.column("recorded_at", _UTC_TIME), sa.column("deferred_from", sa.String), sa.column("kind", sa.String),
    sa.column("amount", sa.BigInteger), sa.column("debit_id", sa.Integer), sa.column("description", sa.String),
    sa.column("actor_id", sa.Integer), sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
companies = sa.table("companies", sa.column("id", sa.Integer), sa.column("ledger_head", sa.String))
sales_orders = sa.table("sales_orders", sa.column("id", sa.Integer), sa.column("expires_on", sa.Date))
statements = sa.table("statements", sa.column("company_id", sa.Integer), sa.column("period", sa.String))


def _effective_expiry(row, expires_on, latest, issued, zone):
    """(effective_at, deferred_from) of an expiry entry written at row.recorded_at."""
    effective = row.recorded_at
    if expires_on is not None:
        effective = datetime.combine(expires_on, time(0, 1), tzinfo=zone).astimezone(UTC)
        if latest is not None and latest > effective:
            effective = latest
        effective = min(effective, row.recorded_at)
    local, recorded_local = effective.astimezone(zone), row.recorded_at.astimezone(zone)
    year, month = local.year, local.month
    if (year, month) >= (recorded_local.year, recorded_local.month) or f"{year:04d}-{month:02d}" not in issued:
        return effective, None
    original = f"{year:04d}-{month:02d}"
    while f"{year:04d}-{month:02d}" in issued:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    start = datetime.combine(date(year, month, 1), time(0), tzinfo=zone).astimezone(UTC)
    return max(effective, start), original


def _rechain(*, upgrading):
    bind = op.get_bind()
    zone = _zone()
    expiry_dates = dict(bind.execute(sa.select(sales_orders.c.id, sales_orders.c.expires_on)).all())
    issued = {}
    for company_id, period in bind.execute(sa.select(statements.c.company_id, statements.c.period)):
        issued.setdefault(company_id, set()).add(period)
    for (company_id,) in bind.execute(sa.select(companies.c.id).order_by(companies.c.id)).all():
        old_prev = new_prev = None
        latest = {}  # sales order id -> effective time of its latest entry so far
        rows = bind.execute(sa.select(entries).where(entries.c.company_id == company_id)
                            .order_by(entries.c.id)).all()
        for row in rows:
            if upgrading:
                old = _hash(old_prev, _old_content(row, row.recorded_at))
                effective, deferred = row.recorded_at, None
                if row.kind == "expiry":
                    effective, deferred = _effective_expiry(row, expiry_dates.get(row.sales_order_id),
                                                            latest.get(row.sales_order_id),
                                                            issued.get(company_id, set()), zone)
                latest[row.sales_order_id] = max(effective, latest.get(row.sales_order_id, effective))
                new = _hash(new_prev, _new_content(row, effective, row.recorded_at, deferred))
                values = {"effective_at": effective, "deferred_from": deferred}
            else:
                old = _hash(old_prev, _new_content(row, row.effective_at, row.recorded_at, row.deferred_from))
                new = _hash(new_prev, _old_content(row, row.recorded_at))
                values = {}
            if row.prev_hash != old_prev or row.hash != old:
                raise RuntimeError(
                    f"Ledger entry {row.id} of company {company_id} does not match its hash chain; nothing "
                    "was migrated. Run `clc-ledger verify-ledger`, repair the ledger, and migrate again.")
            old_prev = row.hash
            bind.execute(sa.update(entries).where(entries.c.id == row.id)
                         .values(prev_hash=new_prev, hash=new, **values))
            new_prev = new
        bind.execute(sa.update(companies).where(companies.c.id == company_id).values(ledger_head=new_prev))


# R-LED-1: ledger entries are append-only, refused by the database itself (as in the initial
# schema; lifted only while this migration rewrites the chains).
def _create_append_only_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER ledger_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_entries "
            "FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()"
        )
    else:
        for action in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER ledger_entries_no_{action} BEFORE {action.upper()} ON ledger_entries "
                "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END"
            )


def _drop_append_only_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update_or_delete ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_delete")
