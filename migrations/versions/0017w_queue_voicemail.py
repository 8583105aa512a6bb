"""voicemail: a queue's mailbox (its overflow's messages, its greeting), shared by its members

Revision ID: 0017w
Revises: 0017v
"""
import sqlalchemy as sa
from alembic import op

revision = '0017w'
down_revision = '0017v'
branch_labels = None
depends_on = '0006'

TABLE = 'voicemail_messages'
GREETINGS = 'voicemail_greetings'


def _owned_by_queue(table: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('queue_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f(f'fk_{table}_queue_id_queues'), 'queues',
                                 ['queue_id'], ['id'], ondelete='CASCADE')
        batch.create_check_constraint(op.f(f'ck_{table}_one_owner'),
                                      '(user_id IS NULL) <> (queue_id IS NULL)')


def _owned_by_users(table: str) -> None:
    op.execute(sa.text(f"DELETE FROM {table} WHERE user_id IS NULL"))
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f'ck_{table}_one_owner'), type_='check')
        batch.drop_constraint(op.f(f'fk_{table}_queue_id_queues'), type_='foreignkey')
        batch.drop_column('queue_id')
        batch.alter_column('user_id', existing_type=sa.Integer(), nullable=False)


def upgrade() -> None:
    _owned_by_queue(TABLE)
    op.create_index('ix_voicemail_messages_queue_created', TABLE, ['queue_id', 'created_at'])
    _owned_by_queue(GREETINGS)
    with op.batch_alter_table(GREETINGS) as batch:
        batch.create_unique_constraint(op.f('uq_voicemail_greetings_queue_id'),
                                       ['queue_id', 'kind'])


def downgrade() -> None:
    with op.batch_alter_table(GREETINGS) as batch:
        batch.drop_constraint(op.f('uq_voicemail_greetings_queue_id'), type_='unique')
    _owned_by_users(GREETINGS)
    op.drop_index('ix_voicemail_messages_queue_created', TABLE)
    _owned_by_users(TABLE)
