"""transfer: the transferred call's SIP Call-ID (the transferring user's call log shows it)

Revision ID: 0011t
Revises: 0001
Depends on: 0008 (transfers)
"""
from alembic import op
import sqlalchemy as sa


revision = '0011t'
down_revision = '0001'
branch_labels = ("transfer_sip_call_id",)
depends_on = ('0008',)


def upgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sip_call_id', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_transfers_sip_call_id'), ['sip_call_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfers_sip_call_id'))
        batch_op.drop_column('sip_call_id')
