"""queues: index queue calls by queue and entry time (today's figures, service level)

Revision ID: 0006a
Revises: 0006
"""
from alembic import op


revision = '0006a'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_queue_calls_queue_entered', 'queue_calls',
                    ['tenant_id', 'queue_id', 'entered_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_queue_calls_queue_entered', table_name='queue_calls')
