"""co-reporters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:59:25.485545
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types  # noqa: F401  (custom column types)


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('co_reporters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_co_reporters_report_id_reports')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_co_reporters_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_reporters')),
    sa.UniqueConstraint('report_id', 'resident_id', name=op.f('uq_co_reporters_report_id'))
    )
    with op.batch_alter_table('co_reporters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_co_reporters_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_reporters_resident_id'), ['resident_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('co_reporters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_co_reporters_resident_id'))
        batch_op.drop_index(batch_op.f('ix_co_reporters_report_id'))

    op.drop_table('co_reporters')

