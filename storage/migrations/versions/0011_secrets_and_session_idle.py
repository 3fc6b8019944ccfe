"""secrets (report links' key, webhook secret) and dashboard sessions' last activity

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 18:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'secrets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=128), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_secrets')),
        sa.UniqueConstraint('name', 'version', name=op.f('uq_secrets_name')),
    )
    with op.batch_alter_table('agent_sessions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('last_seen', storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('agent_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen')
    op.drop_table('secrets')
