"""availability: ring one device kind after another (seconds each rings alone)

Ring orders gain "mobile first" and "one after another"; the second needs how long each
device kind rings before the next one. Exceptions may name the dialled number too: they are
JSON, existing ones keep applying to every number called.

Revision ID: 0014r
Revises: 0001
Depends on: 0002 (availability_profiles)
"""
from alembic import op
import sqlalchemy as sa


revision = '0014r'
down_revision = '0001'
branch_labels = ("ring_one_after_another",)
depends_on = '0002'


def upgrade() -> None:
    with op.batch_alter_table('availability_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ring_each', sa.Integer(), nullable=False,
                                      server_default='15'))


def downgrade() -> None:
    with op.batch_alter_table('availability_profiles', schema=None) as batch_op:
        batch_op.drop_column('ring_each')
