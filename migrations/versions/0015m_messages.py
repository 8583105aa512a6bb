"""messages: SMS from the app, recipients with their state, templates, recipient groups,
opt-outs and the company's sender name; `send_sms` for administrators and team leaders

Revision ID: 0015m
Revises: 0005
"""
import json

import sqlalchemy as sa
from alembic import op

import api.core.db

revision = '0015m'
down_revision = '0005'
branch_labels = ("messages",)
depends_on = None

GRANTED_TO = ('administrator', 'team_leader')


def _tenant(name):
    return sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                   name=op.f(f'fk_{name}_tenant_id_tenants'), ondelete='CASCADE')


def _owned(name):
    """Templates and groups: the company's (owner null) or a user's own."""
    op.create_table(name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('owner_user_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('text' if name == 'message_templates' else 'members',
                  sa.Text() if name == 'message_templates' else sa.JSON(), nullable=False),
        sa.Column('created_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'],
                                name=op.f(f'fk_{name}_owner_user_id_users'), ondelete='CASCADE'),
        _tenant(name),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')))
    with op.batch_alter_table(name) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_tenant_id'), ['tenant_id'])
        batch_op.create_index(batch_op.f(f'ix_{name}_owner_user_id'), ['owner_user_id'])


def _grant(add: bool) -> None:
    conn = op.get_bind()
    roles = sa.table('roles', sa.column('id', sa.Integer), sa.column('builtin', sa.String),
                     sa.column('permissions', sa.JSON))
    for row in conn.execute(sa.select(roles.c.id, roles.c.permissions)
                            .where(roles.c.builtin.in_(GRANTED_TO))):
        perms = row.permissions if isinstance(row.permissions, list) \
            else json.loads(row.permissions or '[]')
        perms = sorted(set(perms) | {'send_sms'}) if add else \
            [p for p in perms if p != 'send_sms']
        conn.execute(roles.update().where(roles.c.id == row.id).values(permissions=perms))


def upgrade() -> None:
    op.create_table('messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('sender', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('encoding', sa.String(length=8), nullable=False),
        sa.Column('parts', sa.Integer(), nullable=False),
        sa.Column('idempotency_key', sa.String(length=100), nullable=True),
        sa.Column('created_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_messages_user_id_users'), ondelete='SET NULL'),
        _tenant('messages'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
        sa.UniqueConstraint('tenant_id', 'user_id', 'idempotency_key',
                            name=op.f('uq_messages_tenant_id')))
    with op.batch_alter_table('messages') as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_tenant_id'), ['tenant_id'])
        batch_op.create_index(batch_op.f('ix_messages_user_id'), ['user_id'])
        batch_op.create_index(batch_op.f('ix_messages_created_at'), ['created_at'])

    op.create_table('message_recipients',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('outbound_id', sa.Integer(), nullable=True),
        sa.Column('skipped', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'],
                                name=op.f('fk_message_recipients_message_id_messages'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbound_id'], ['sms_outbound.id'],
                                name=op.f('fk_message_recipients_outbound_id_sms_outbound'),
                                ondelete='SET NULL'),
        _tenant('message_recipients'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_recipients')))
    with op.batch_alter_table('message_recipients') as batch_op:
        batch_op.create_index(batch_op.f('ix_message_recipients_tenant_id'), ['tenant_id'])
        batch_op.create_index(batch_op.f('ix_message_recipients_message_id'), ['message_id'])

    _owned('message_templates')
    _owned('recipient_groups')

    op.create_table('sms_opt_outs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('keyword', sa.String(length=20), nullable=False),
        sa.Column('created_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        _tenant('sms_opt_outs'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_opt_outs')),
        sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_sms_opt_outs_tenant_id')))
    with op.batch_alter_table('sms_opt_outs') as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_opt_outs_tenant_id'), ['tenant_id'])

    op.create_table('message_settings',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('sender_name', sa.String(length=11), nullable=True),
        sa.Column('updated_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        _tenant('message_settings'),
        sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_message_settings')))
    _grant(True)


def downgrade() -> None:
    _grant(False)
    for name in ('message_settings', 'sms_opt_outs', 'recipient_groups', 'message_templates',
                 'message_recipients', 'messages'):
        op.drop_table(name)
