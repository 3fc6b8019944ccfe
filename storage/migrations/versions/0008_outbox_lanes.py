"""outbox lanes: urgent cards, then conversations, then surveys and broadcasts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 16:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('lane', sa.SmallInteger(), server_default='2', nullable=False)
        )
        batch_op.create_index('ix_outbox_lane', ['state', 'lane', 'id'], unique=False)
    # Rows already queued take the lane they would have been written with.
    op.execute("UPDATE outbox SET lane = 3 WHERE purpose IN ('survey', 'broadcast')")
    op.execute(
        "UPDATE outbox SET lane = 1 WHERE purpose = 'card' AND kind = 'message'"
        " AND report_id IN (SELECT id FROM reports WHERE urgent)"
    )


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_lane')
        batch_op.drop_column('lane')
