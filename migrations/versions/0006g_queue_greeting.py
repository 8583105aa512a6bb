"""queues: an optional greeting per queue, spoken in its own language

Revision ID: 0006g
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0006g'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('queues', sa.Column('greeting', sa.String(length=300), nullable=True))
    op.add_column('queues', sa.Column('greeting_language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column('queues', 'greeting_language')
    op.drop_column('queues', 'greeting')
