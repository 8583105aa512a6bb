"""callerid: the call log says when a call came in on a main number

Revision ID: 0009c
Revises: 0001
Depends on: 0003 (call_log)
"""
from alembic import op
import sqlalchemy as sa


revision = '0009c'
down_revision = '0001'
branch_labels = ("call_log_via_main_number",)
depends_on = '0003'


def upgrade() -> None:
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('via_main_number_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('call_log', schema=None) as batch_op:
        batch_op.drop_column('via_main_number_id')
