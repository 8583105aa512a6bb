"""voicemail: messages left by callers, the users' greetings, the company's retention

Revision ID: 0017v
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import api.core.db

revision = '0017v'
down_revision = '0001'
branch_labels = ('voicemail',)
depends_on = None


def _tenant(name):
    return sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                   name=op.f(f'fk_{name}_tenant_id_tenants'), ondelete='CASCADE')


def _user(name):
    return sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                   name=op.f(f'fk_{name}_user_id_users'), ondelete='CASCADE')


def upgrade() -> None:
    op.create_table('voicemail_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.String(length=100), nullable=True),
        sa.Column('caller_number', sa.String(length=32), nullable=True),
        sa.Column('hit', sa.JSON(), nullable=True),
        sa.Column('reason', sa.String(length=12), nullable=False),
        sa.Column('profile', sa.String(length=80), nullable=True),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('file', sa.String(length=64), nullable=False),
        sa.Column('heard_at', api.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        _tenant('voicemail_messages'), _user('voicemail_messages'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_voicemail_messages')),
    )
    op.create_index(op.f('ix_voicemail_messages_tenant_id'), 'voicemail_messages',
                    ['tenant_id'])
    op.create_index(op.f('ix_voicemail_messages_call_id'), 'voicemail_messages', ['call_id'])
    op.create_index('ix_voicemail_messages_user_created', 'voicemail_messages',
                    ['user_id', 'created_at'])
    op.create_table('voicemail_greetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('file', sa.String(length=64), nullable=False),
        sa.Column('updated_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        _tenant('voicemail_greetings'), _user('voicemail_greetings'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_voicemail_greetings')),
        sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_voicemail_greetings_user_id')),
    )
    op.create_index(op.f('ix_voicemail_greetings_tenant_id'), 'voicemail_greetings',
                    ['tenant_id'])
    op.create_table('voicemail_settings',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('max_age_days', sa.Integer(), nullable=False),
        sa.Column('max_messages', sa.Integer(), nullable=False),
        sa.Column('updated_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        _tenant('voicemail_settings'),
        sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_voicemail_settings')),
    )


def downgrade() -> None:
    op.drop_table('voicemail_settings')
    op.drop_table('voicemail_greetings')
    op.drop_table('voicemail_messages')
