"""audit and call log: administrative changes name their object; calls keep why they went
where they went

`audit_events.object_type` / `object_id`: the profile or schedule an administrator changed,
so the audit log can be filtered by object; before and after stay in `detail`.
`call_log.outcome`: answered, voicemail, forwarded, missed, ...; `call_log.reason`: the
profile and rule that decided it (and whom it was forwarded to). Empty for older entries.
`availability_devices.user_may_switch`: the user may switch the device and its MEX on and
off themselves (true for existing devices, as before nothing stopped them asking).
`users.hidden_from_directory`: left out of the colleagues' directory.

Revision ID: 0016a
Revises: 0001
Depends on: 0002 (availability_devices), 0003 (call_log)
"""
from alembic import op
import sqlalchemy as sa


revision = '0016a'
down_revision = '0001'
branch_labels = None
depends_on = ('0002', '0003')


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('object_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('object_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_events_object', ['tenant_id', 'object_type',
                                                         'object_id'], unique=False)
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.JSON(), nullable=True))
    with op.batch_alter_table('availability_devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_may_switch', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_from_directory', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('hidden_from_directory')
    with op.batch_alter_table('availability_devices', schema=None) as batch_op:
        batch_op.drop_column('user_may_switch')
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('outcome')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_column('object_id')
        batch_op.drop_column('object_type')
