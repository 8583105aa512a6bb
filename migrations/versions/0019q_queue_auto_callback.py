"""queues: automatic callback (the system rings a free member, then the caller)

Revision ID: 0019q
Revises: 0017q
"""
from alembic import op
import sqlalchemy as sa


revision = '0019q'
down_revision = '0017q'
branch_labels = None
depends_on = '0017c'


def upgrade() -> None:
    op.add_column('queues', sa.Column('auto_callback', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('queues', 'auto_callback')
