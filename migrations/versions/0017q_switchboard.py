"""queues: caller priority, pick and assign, tags, the number shown to members, repeated
announcements, hold music, callback notices, devices and scheduled login per member, SLA alerts

Revision ID: 0017q
Revises: 0006k
"""
import sqlalchemy as sa
from alembic import op

import api.core.db

revision = '0017q'
down_revision = '0006k'
branch_labels = None
depends_on = None

_QUEUE = [
    sa.Column('vip_numbers', sa.JSON(), nullable=False, server_default='[]'),
    sa.Column('vip_contacts', sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column('leave_when_no_agent_free', sa.Boolean(), nullable=False,
              server_default=sa.false()),
    sa.Column('shown_number', sa.String(length=8), nullable=False, server_default='caller'),
    sa.Column('shown_main_number', sa.String(length=20), nullable=True),
    sa.Column('shown_prefix', sa.String(length=16), nullable=True),
    sa.Column('shown_suffix', sa.String(length=16), nullable=True),
    sa.Column('announce_every_s', sa.Integer(), nullable=True),
    sa.Column('announce_text', sa.String(length=300), nullable=True),
    sa.Column('hold_music', sa.String(length=12), nullable=False, server_default='default'),
    sa.Column('callback_notify', sa.String(length=8), nullable=False, server_default='none'),
]
_MEMBER = [
    sa.Column('device_ids', sa.JSON(), nullable=True),
    sa.Column('login_schedule', sa.JSON(), nullable=True),
    sa.Column('schedule_state', sa.Boolean(), nullable=True),
]
_CALL = [
    sa.Column('priority', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('priority_reason', sa.String(length=12), nullable=True),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.Column('target_by_user_id', sa.Integer(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False, server_default='[]'),
]
_TABLES = (('queues', _QUEUE), ('queue_members', _MEMBER), ('queue_calls', _CALL))


def upgrade() -> None:
    for table, columns in _TABLES:
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(column.copy())
    op.create_table('queue_alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('queue_id', sa.Integer(), nullable=False),
        sa.Column('metric', sa.String(length=16), nullable=False),
        sa.Column('threshold', sa.Integer(), nullable=False),
        sa.Column('for_minutes', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('breach_since', api.core.db.UTCDateTime(), nullable=True),
        sa.Column('fired_at', api.core.db.UTCDateTime(), nullable=True),
        sa.Column('created_at', api.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_queue_alerts_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['queue_id'], ['queues.id'],
                                name=op.f('fk_queue_alerts_queue_id_queues'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_alerts')))
    with op.batch_alter_table('queue_alerts') as batch:
        batch.create_index(batch.f('ix_queue_alerts_queue_id'), ['queue_id'])
        batch.create_index(batch.f('ix_queue_alerts_tenant_id'), ['tenant_id'])


def downgrade() -> None:
    op.drop_table('queue_alerts')
    for table, columns in _TABLES:
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column.name)
