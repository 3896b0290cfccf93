"""input limits (R-TXT-2), sealed ledger chain anchors (R-LED-2), sign-in rate limits (R-SEC-1)

Text columns widen to the documented maxima so nothing is cut (ledger descriptions carry a
debit's 500-character description or a 1,000-character reason and the words around it;
reasons 1,000; plan items 500).
`ledger_anchors` keeps each company's chain head sealed outside the rows it checks, filled
here for existing chains, and PostgreSQL refuses TRUNCATE of the ledger.
`rate_limit_counters` holds the failed sign-in counters every process shares.

Revision ID: 3f2a9c4e7b10
Revises: 1f9ff5b9c198
Create Date: 2026-11-30 06:40:00

"""
import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = '3f2a9c4e7b10'
down_revision = '1f9ff5b9c198'
branch_labels = None
depends_on = None

_WIDENED = [  # table, column, before, after
    ("ledger_entries", "description", 500, 2000),
    ("debits", "reason", 500, 1000),
    ("reissue_requests", "reason", 500, 1000),
    ("reissue_plan_lines", "item", 300, 500),
]
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
]


def _resize(sizes):
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # batch mode rebuilds the table, and its triggers would be lost
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_delete")
    for table, column, before, after in sizes:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=before), type_=sa.String(length=after))
    if sqlite:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def _seal(company_id, head):
    # The same as clc_ledger.ledger.anchors.seal, repeated so this file stands alone.
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    key = hmac.new(secret, b"clc-ledger chain anchor v1", hashlib.sha256).digest()
    return hmac.new(key, f"{int(company_id)}:{head}".encode(), hashlib.sha256).hexdigest()


def upgrade():
    _resize(_WIDENED)
    anchors = op.create_table(
        'ledger_anchors',
        sa.Column('company_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('head', sa.String(length=64), nullable=False),
        sa.Column('seal', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_ledger_anchors_company_id_companies')),
        sa.PrimaryKeyConstraint('company_id', name=op.f('pk_ledger_anchors')),
    )
    heads = op.get_bind().execute(sa.text("SELECT id, ledger_head FROM companies WHERE ledger_head IS NOT NULL"))
    rows = [{"company_id": company_id, "head": head, "seal": _seal(company_id, head)} for company_id, head in heads]
    if rows:
        op.bulk_insert(anchors, rows)
    op.create_table(
        'rate_limit_counters',
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_rate_limit_counters')),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_truncate ON ledger_entries")
    op.drop_table('rate_limit_counters')
    op.drop_table('ledger_anchors')
    _resize([(table, column, after, before) for table, column, before, after in _WIDENED])
