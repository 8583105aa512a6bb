"""callerid: "last spoke to" finds a caller's latest call through an index

The lookup asks for a number's latest answered call in the call log and in the queue log.
An index on (tenant, number) alone makes it read and sort every earlier call of that number
(a frequent caller costs more with each call); with the time as the last column it reads
backwards from the latest.

Revision ID: 0013g
Revises: 0001
Depends on: 0003 (call_log, queue_log)
"""
from alembic import op


revision = '0013g'
down_revision = '0001'
branch_labels = ("call_log_number_latest",)
depends_on = '0003'


def upgrade() -> None:
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.drop_index('ix_call_log_tenant_number')
        batch_op.create_index('ix_call_log_tenant_number_started',
                              ['tenant_id', 'other_number', 'started_at'], unique=False)
    with op.batch_alter_table('queue_log', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_log_tenant_caller')
        batch_op.create_index('ix_queue_log_tenant_caller_at',
                              ['tenant_id', 'caller_number', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('queue_log', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_log_tenant_caller_at')
        batch_op.create_index('ix_queue_log_tenant_caller', ['tenant_id', 'caller_number'],
                              unique=False)
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.drop_index('ix_call_log_tenant_number_started')
        batch_op.create_index('ix_call_log_tenant_number', ['tenant_id', 'other_number'],
                              unique=False)
