"""push: devices and delivery attempts

Revision ID: 0004
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import api.core.db


revision = '0004'
down_revision = '0001'
branch_labels = ("push",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        'push_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('platform', sa.String(length=10), nullable=False),
        sa.Column('token', sa.String(length=1024), nullable=False),
        sa.Column('token_kind', sa.String(length=10), nullable=False),
        sa.Column('app_id', sa.String(length=200), nullable=False),
        sa.Column('environment', sa.String(length=12), nullable=False),
        sa.Column('locale', sa.String(length=35), nullable=True),
        sa.Column('created_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['auth_sessions.id'],
                                name=op.f('fk_push_devices_session_id_auth_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_push_devices_tenant_id_tenants'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_push_devices_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_devices')),
        sa.UniqueConstraint('token', name=op.f('uq_push_devices_token')),
    )
    with op.batch_alter_table('push_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_devices_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_devices_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_devices_user_id'), ['user_id'], unique=False)

    op.create_table(
        'push_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=True),
        sa.Column('platform', sa.String(length=10), nullable=False),
        sa.Column('token_kind', sa.String(length=10), nullable=False),
        sa.Column('transport', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('call_id', sa.String(length=128), nullable=True),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=24), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=120), nullable=True),
        sa.Column('latency_ms', sa.Float(), nullable=True),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_push_attempts_tenant_id_tenants'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_attempts')),
    )
    with op.batch_alter_table('push_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_push_attempts_tenant_at', ['tenant_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_attempts_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_attempts_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_attempts_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('push_attempts')
    op.drop_table('push_devices')
