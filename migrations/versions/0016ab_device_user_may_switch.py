"""availability: the user may switch a device and its MEX on and off themselves

`availability_devices.user_may_switch`, set by the administrator; true for existing devices,
as before nothing stopped them asking.

Revision ID: 0016ab
Revises: 0016a
Depends on: 0002 (availability_devices)
"""
from alembic import op
import sqlalchemy as sa


revision = '0016ab'
down_revision = '0016a'
branch_labels = None
depends_on = '0002'


def upgrade() -> None:
    # in place, not a batch copy: a view over availability_devices would break on SQLite
    op.add_column('availability_devices', sa.Column('user_may_switch', sa.Boolean(),
                                                    nullable=False, server_default=sa.true()))


def downgrade() -> None:
    op.drop_column('availability_devices', 'user_may_switch')
