"""queues: a callback from the app may present the queue's number (callback_shows_number)

Revision ID: 0017c
Revises: 0006k
"""
from alembic import op
import sqlalchemy as sa


revision = '0017c'
down_revision = '0006k'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('queues', sa.Column('callback_shows_number', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('queues', 'callback_shows_number')
