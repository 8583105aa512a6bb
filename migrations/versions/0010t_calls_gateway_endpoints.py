"""calls: gateway endpoints (where each gateway takes command wake-ups)

Revision ID: 0010t
Revises: 0001
Create Date: 2026-11-23 08:10:00
"""
from alembic import op
import sqlalchemy as sa
import api.core.db


revision = '0010t'
down_revision = '0001'
branch_labels = ("gateway_endpoints",)
depends_on = None


def upgrade() -> None:
    op.create_table('gateway_endpoints',
    sa.Column('gateway_id', sa.String(length=64), nullable=False),
    sa.Column('host', sa.String(length=100), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('started_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('gateway_id', name=op.f('pk_gateway_endpoints'))
    )


def downgrade() -> None:
    op.drop_table('gateway_endpoints')
