"""transfer: the number an external transfer target sees (company policy)

Revision ID: 0012t
Revises: 0001
Depends on: 0008 (transfer_policies)
"""
from alembic import op
import sqlalchemy as sa


revision = '0012t'
down_revision = '0001'
branch_labels = ("transfer_external_display",)
depends_on = ('0008',)


def upgrade() -> None:
    with op.batch_alter_table('transfer_policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_display', sa.String(length=12),
                                      nullable=False, server_default='caller'))
        batch_op.add_column(sa.Column('external_display_main_number_id', sa.Integer(),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('transfer_policies', schema=None) as batch_op:
        batch_op.drop_column('external_display_main_number_id')
        batch_op.drop_column('external_display')
