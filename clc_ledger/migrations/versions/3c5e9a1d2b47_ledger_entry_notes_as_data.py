"""ledger entries say what happened as data: note and refs, worded when shown (R-TXT-1)

Existing entries keep their English sentence in `description`: they are append-only and
their hash covers that text (R-LED-1, R-LED-2), so they are not rewritten. They are read as
data when shown (clc_ledger/ledger/notes.py, parse_legacy), which gives every sentence the
program ever wrote its note and refs back.

Revision ID: 3c5e9a1d2b47
Revises: 3f2a9c4e7b10
Create Date: 2026-11-30 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3c5e9a1d2b47'
down_revision = '3f2a9c4e7b10'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch: a batch would copy the table on SQLite and drop its
    # append-only triggers with it.
    op.add_column('ledger_entries', sa.Column('note', sa.String(length=32), nullable=True))
    op.add_column('ledger_entries', sa.Column('refs', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_column('refs')
        batch_op.drop_column('note')
