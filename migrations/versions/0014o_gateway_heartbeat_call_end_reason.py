"""calls: gateway heartbeats, and why a call ended in the call log

`gateway_endpoints.seen_at`: a running gateway writes it every few seconds, so the others
and the API can tell a gateway that died (its live calls are then closed).
`call_log.end_reason`: why a call ended when the phone system cut it, such as "the gateway
restarted"; empty for calls that ended normally.

Revision ID: 0014o
Revises: 0010t
Depends on: 0003 (call_log)
"""
from alembic import op
import sqlalchemy as sa
import api.core.db


revision = '0014o'
down_revision = '0010t'
branch_labels = None
depends_on = '0003'


def upgrade() -> None:
    with op.batch_alter_table('gateway_endpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen_at', api.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_reason', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.drop_column('end_reason')
    with op.batch_alter_table('gateway_endpoints', schema=None) as batch_op:
        batch_op.drop_column('seen_at')
