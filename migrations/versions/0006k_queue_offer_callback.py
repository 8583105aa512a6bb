"""queues: callers may press 1 to be called back (offer_callback)

Revision ID: 0006k
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0006k'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('queues', sa.Column('offer_callback', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('queues', 'offer_callback')
