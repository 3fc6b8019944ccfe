"""why a report may be urgent: the first urgency reason (a rule's code or the learnt danger
category), kept for the agents' card, queue and dashboard

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 21:50:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch): on SQLite a batch would copy and drop reports, which others
    # refer to.
    op.add_column('reports', sa.Column('danger', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('danger')
