"""transfer: the live call's id is kept only while the transfer runs

A live call row goes when its call ends and its id may be given to a later call; an ended
transfer keeps the call's SIP Call-ID (`sip_call_id`) as its record instead.

Revision ID: 0018f
Revises: 0001
Depends on: 0008 (transfers)
"""
from alembic import op
import sqlalchemy as sa


revision = '0018f'
down_revision = '0001'
branch_labels = ("transfer_call_id_while_live",)
depends_on = ('0008',)


def upgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.alter_column('call_id', existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE transfers SET call_id = NULL WHERE state IN "
               "('completed', 'returned', 'cancelled', 'failed')")


def downgrade() -> None:
    op.execute("UPDATE transfers SET call_id = 0 WHERE call_id IS NULL")
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.alter_column('call_id', existing_type=sa.Integer(), nullable=False)
