"""events_outbox: the live events of the app's stream, written with the change they report

Revision ID: 0016e
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import api.core.db

revision = '0016e'
down_revision = '0001'
branch_labels = ('events',)
depends_on = None


def upgrade() -> None:
    op.create_table('events_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('at', api.core.db.UTCDateTime(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('queue_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_events_outbox_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_events_outbox')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_events_outbox_at', 'events_outbox', ['at'])
    op.create_index(op.f('ix_events_outbox_tenant_id'), 'events_outbox', ['tenant_id'])


def downgrade() -> None:
    op.drop_table('events_outbox')
