"""audit and call log: administrative changes name their object; calls keep why they went
where they went

`audit_events.object_type` / `object_id`: the profile or schedule an administrator changed,
so the audit log can be filtered by object; before and after stay in `detail`.
`call_log.outcome`: answered, voicemail, forwarded, missed, ...; `call_log.reason`: the
profile and rule that decided it (and whom it was forwarded to). Empty for older entries.
`availability_devices.user_may_switch` follows in 0016ab.
`users.hidden_from_directory`: left out of the colleagues' directory.
`user_pictures`: a user's profile picture as served (JPEG, at most 512 pixels a side).
`custom_fields` and `users.custom_fields`: the company's own user fields and their values.

Revision ID: 0016a
Revises: 0001
Depends on: 0003 (call_log)
"""
from alembic import op
import sqlalchemy as sa

import api.core.db


revision = '0016a'
down_revision = '0001'
branch_labels = ('administration',)
depends_on = '0003'


# Plain ADD COLUMN / DROP COLUMN (SQLite has both), never a batch copy of the table: a view
# over availability_devices and users (the SIP edge's subscribers) would break on the copy.
ADDED = {
    'audit_events': [sa.Column('object_type', sa.String(length=40), nullable=True),
                     sa.Column('object_id', sa.Integer(), nullable=True)],
    'call_log': [sa.Column('outcome', sa.String(length=12), nullable=True),
                 sa.Column('reason', sa.JSON(), nullable=True)],
    'users': [sa.Column('hidden_from_directory', sa.Boolean(), nullable=False,
                        server_default=sa.false()),
              sa.Column('custom_fields', sa.JSON(), nullable=False, server_default='{}')],
}


def upgrade() -> None:
    for table, columns in ADDED.items():
        for column in columns:
            op.add_column(table, column)
    op.create_index('ix_audit_events_object', 'audit_events',
                    ['tenant_id', 'object_type', 'object_id'], unique=False)
    op.create_table('user_pictures',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('etag', sa.String(length=64), nullable=False),
        sa.Column('updated_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_user_pictures_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_user_pictures_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_pictures')))
    op.create_index(op.f('ix_user_pictures_tenant_id'), 'user_pictures', ['tenant_id'],
                    unique=False)
    op.create_table('custom_fields',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('type', sa.String(length=10), nullable=False),
        sa.Column('choices', sa.JSON(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_custom_fields_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_fields')),
        sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_custom_fields_tenant_id')))
    op.create_index(op.f('ix_custom_fields_tenant_id'), 'custom_fields', ['tenant_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_table('custom_fields')
    op.drop_table('user_pictures')
    op.drop_index('ix_audit_events_object', table_name='audit_events')
    for table, columns in ADDED.items():
        for column in reversed(columns):
            op.drop_column(table, column.name)
