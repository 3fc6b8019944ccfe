"""the town's other systems: Open311 clients (api_clients, api_requests) and forwards

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 18:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_clients',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['resident_id'], ['residents.id'], name=op.f('fk_api_clients_resident_id_residents')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_api_clients_key_hash')),
        sa.UniqueConstraint('name', name=op.f('uq_api_clients_name')),
    )
    op.create_table(
        'api_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('api_client_id', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['api_client_id'], ['api_clients.id'],
            name=op.f('fk_api_requests_api_client_id_api_clients'),
        ),
        sa.ForeignKeyConstraint(
            ['report_id'], ['reports.id'], name=op.f('fk_api_requests_report_id_reports')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_requests')),
        sa.UniqueConstraint('report_id', name=op.f('uq_api_requests_report_id')),
        sa.UniqueConstraint('token', name=op.f('uq_api_requests_token')),
    )
    with op.batch_alter_table('api_requests', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_api_requests_api_client_id'), ['api_client_id'], unique=False
        )
    op.create_table(
        'forwards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('service_code', sa.String(length=32), nullable=False),
        sa.Column(
            'channel',
            sa.Enum('email', 'open311', name='forwardchannel', native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            'state',
            sa.Enum(
                'pending', 'sending', 'sent', 'failed',
                name='forwardstate', native_enum=False, length=16,
            ),
            nullable=False,
        ),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('not_before', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('external_id', sa.String(length=128), nullable=True),
        sa.Column('external_status', sa.String(length=64), nullable=True),
        sa.Column('polled_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['report_id'], ['reports.id'], name=op.f('fk_forwards_report_id_reports')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forwards')),
    )
    with op.batch_alter_table('forwards', schema=None) as batch_op:
        batch_op.create_index('ix_forwards_due', ['state', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_forwards_report_id'), ['report_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_forwards_service_code'), ['service_code'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('forwards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forwards_service_code'))
        batch_op.drop_index(batch_op.f('ix_forwards_report_id'))
        batch_op.drop_index('ix_forwards_due')
    op.drop_table('forwards')
    with op.batch_alter_table('api_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_requests_api_client_id'))
    op.drop_table('api_requests')
    op.drop_table('api_clients')
