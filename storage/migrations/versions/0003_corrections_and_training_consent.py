"""corrections and training consent

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 11:03:16.208979
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types  # noqa: F401  (custom column types)


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('labelled_examples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('service', sa.String(length=32), nullable=False),
    sa.Column('suggested', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_labelled_examples_report_id_reports')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_labelled_examples_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labelled_examples'))
    )
    with op.batch_alter_table('labelled_examples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labelled_examples_resident_id'), ['resident_id'], unique=False)

    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_training', sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column('consent_training_asked', sa.Boolean(), nullable=False, server_default=sa.false())
        )




def downgrade() -> None:

    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_column('consent_training_asked')
        batch_op.drop_column('consent_training')

    with op.batch_alter_table('labelled_examples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labelled_examples_resident_id'))

    op.drop_table('labelled_examples')

