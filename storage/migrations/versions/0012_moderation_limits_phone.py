"""moderation (hidden text or photo, barred residents, audit log), phone-checked supports,
a resident's recent messages found by chat

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 18:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_telegram_id', sa.BigInteger(), nullable=True),
        sa.Column('actor_name', sa.String(length=128), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
    # Plain ADD COLUMN (no batch): on SQLite a batch would copy and drop these tables, which
    # others refer to.
    for table, column in (('reports', 'text_hidden'), ('reports', 'photo_hidden')):
        op.add_column(
            table, sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.add_column(
        'residents', sa.Column('barred_at', storage.types.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column(
        'residents',
        sa.Column('barred_told', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column('residents', sa.Column('phone_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_residents_phone_hash', 'residents', ['phone_hash'], unique=True)
    op.create_index('ix_inbox_chat_received', 'inbox', ['chat_id', 'received_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbox_chat_received', table_name='inbox')
    op.drop_index('ix_residents_phone_hash', table_name='residents')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_column('phone_hash')
        batch_op.drop_column('barred_told')
        batch_op.drop_column('barred_at')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('photo_hidden')
        batch_op.drop_column('text_hidden')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
    op.drop_table('audit_log')
