"""learning II: partner specializations, knowledge-session points, renewals (R-PTS-*)

Revision ID: a20b7c3d9e51
Revises: 3c5e9a1d2b47
Create Date: 2026-11-30 07:20:00

"""
from alembic import op
import sqlalchemy as sa
import clc_ledger.db


# revision identifiers, used by Alembic.
revision = 'a20b7c3d9e51'
down_revision = '3c5e9a1d2b47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ce_item_specializations',
    sa.Column('ce_item_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['ce_item_id'], ['ce_items.id'], name=op.f('fk_ce_item_specializations_ce_item_id_ce_items')),
    sa.PrimaryKeyConstraint('ce_item_id', 'name', name=op.f('pk_ce_item_specializations'))
    )
    op.create_table('specializations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('window_started_on', sa.Date(), nullable=False),
    sa.Column('renewal_due_on', sa.Date(), nullable=False),
    sa.Column('created_at', clc_ledger.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("type IN ('architecture', 'technology', 'express')", name=op.f('ck_specializations_type')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_specializations_company_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_specializations')),
    sa.UniqueConstraint('company_id', 'name', name='uq_specializations_company_name')
    )
    with op.batch_alter_table('specializations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_specializations_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_specializations_renewal_due_on'), ['renewal_due_on'], unique=False)

    op.create_table('point_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('ce_item_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('how', sa.String(length=24), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', clc_ledger.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("how IN ('started', 'assessment_passed')", name=op.f('ck_point_entries_how')),
    sa.ForeignKeyConstraint(['ce_item_id'], ['ce_items.id'], name=op.f('fk_point_entries_ce_item_id_ce_items')),
    sa.ForeignKeyConstraint(['claim_id'], ['ce_claims.id'], name=op.f('fk_point_entries_claim_id_ce_claims')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_point_entries_company_id_companies')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_point_entries_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_point_entries_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_entries'))
    )
    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.create_index('ix_point_entries_company_on', ['company_id', 'earned_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_point_entries_person_id'), ['person_id'], unique=False)

    op.create_table('specialization_renewals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('specialization_id', sa.Integer(), nullable=False),
    sa.Column('renewed_on', sa.Date(), nullable=False),
    sa.Column('previous_due_on', sa.Date(), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('override_reason', sa.String(length=1000), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', clc_ledger.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_specialization_renewals_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['specialization_id'], ['specializations.id'], name=op.f('fk_specialization_renewals_specialization_id_specializations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_specialization_renewals'))
    )
    with op.batch_alter_table('specialization_renewals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_specialization_renewals_specialization_id'), ['specialization_id'], unique=False)


def downgrade():
    with op.batch_alter_table('specialization_renewals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_specialization_renewals_specialization_id'))
    op.drop_table('specialization_renewals')
    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_entries_person_id'))
        batch_op.drop_index('ix_point_entries_company_on')
    op.drop_table('point_entries')
    with op.batch_alter_table('specializations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_specializations_renewal_due_on'))
        batch_op.drop_index(batch_op.f('ix_specializations_company_id'))
    op.drop_table('specializations')
    op.drop_table('ce_item_specializations')
