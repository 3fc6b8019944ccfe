"""the agents' workspace: assignment, notes apart from replies, answer templates, "after"
photos, response times

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_telegram_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('assignee_name', sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column('due_from', storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('deadline_stage', sa.SmallInteger(), server_default='0', nullable=False)
        )
        batch_op.create_index(
            batch_op.f('ix_reports_assignee_telegram_id'), ['assignee_telegram_id'], unique=False
        )
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=16), server_default='status', nullable=False)
        )
    # The history written before: words without a status change were replies or messages.
    op.execute(
        "UPDATE report_events SET kind = 'reply'"
        " WHERE new_status IS NULL AND note IS NOT NULL AND actor_kind = 'agent'"
    )
    op.execute(
        "UPDATE report_events SET kind = 'message'"
        " WHERE new_status IS NULL AND note IS NOT NULL AND actor_kind = 'resident'"
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=8), server_default='report', nullable=False)
        )
    op.create_table(
        'answer_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_code', sa.String(length=32), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=True),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('label', sa.String(length=64), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ['service_code'], ['services.code'],
            name=op.f('fk_answer_templates_service_code_services'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_templates')),
        sa.UniqueConstraint(
            'service_code', 'code', 'lang', name=op.f('uq_answer_templates_service_code')
        ),
    )
    with op.batch_alter_table('answer_templates', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_answer_templates_service_code'), ['service_code'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('answer_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_templates_service_code'))
    op.drop_table('answer_templates')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_assignee_telegram_id'))
        batch_op.drop_column('deadline_stage')
        batch_op.drop_column('due_from')
        batch_op.drop_column('assignee_name')
        batch_op.drop_column('assignee_telegram_id')
