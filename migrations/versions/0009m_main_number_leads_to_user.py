"""availability: a main number may lead to a user (calls to it ring that user by their plan)

Revision ID: 0009m
Revises: 0001
Depends on: 0002 (main_numbers)
"""
from alembic import op
import sqlalchemy as sa


revision = '0009m'
down_revision = '0001'
branch_labels = ("main_number_user",)
depends_on = '0002'


def upgrade() -> None:
    with op.batch_alter_table('main_numbers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_main_numbers_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_main_numbers_user_id_users'), 'users',
                                    ['user_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('main_numbers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_main_numbers_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_main_numbers_user_id'))
        batch_op.drop_column('user_id')
