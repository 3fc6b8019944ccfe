"""ideas

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 14:18:20.933254
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types  # noqa: F401  (custom column types)


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ideas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('service_code', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('redacted_text', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('state', sa.Enum('pending_review', 'published', 'declined', name='ideastate', native_enum=False, length=32), nullable=False),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('supports', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('on_agenda_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_ideas_resident_id_residents')),
    sa.ForeignKeyConstraint(['service_code'], ['services.code'], name=op.f('fk_ideas_service_code_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ideas'))
    )
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ideas_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index('ix_ideas_service_state', ['service_code', 'state'], unique=False)

    op.create_table('idea_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('under_study', 'planned', 'accepted', 'declined', 'done', name='ideaanswerkind', native_enum=False, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('agent_name', sa.String(length=128), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_answers_idea_id_ideas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_answers'))
    )
    with op.batch_alter_table('idea_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_answers_idea_id'), ['idea_id'], unique=False)

    op.create_table('idea_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_milestones_idea_id_ideas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_milestones'))
    )
    with op.batch_alter_table('idea_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_milestones_idea_id'), ['idea_id'], unique=False)

    op.create_table('idea_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_supports_idea_id_ideas')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_idea_supports_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_supports')),
    sa.UniqueConstraint('idea_id', 'resident_id', name=op.f('uq_idea_supports_idea_id'))
    )
    with op.batch_alter_table('idea_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_supports_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_supports_resident_id'), ['resident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('idea_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_supports_resident_id'))
        batch_op.drop_index(batch_op.f('ix_idea_supports_idea_id'))

    op.drop_table('idea_supports')
    with op.batch_alter_table('idea_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_milestones_idea_id'))

    op.drop_table('idea_milestones')
    with op.batch_alter_table('idea_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_answers_idea_id'))

    op.drop_table('idea_answers')
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_service_state')
        batch_op.drop_index(batch_op.f('ix_ideas_resident_id'))

    op.drop_table('ideas')
