"""voicemail: a queue's mailbox (its overflow's messages), shared by its members

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


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('queue_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_voicemail_messages_queue_id_queues'), 'queues',
                                 ['queue_id'], ['id'], ondelete='CASCADE')
        batch.create_index('ix_voicemail_messages_queue_created', ['queue_id', 'created_at'])
        batch.create_check_constraint(
            op.f('ck_voicemail_messages_one_owner'),
            '(user_id IS NULL) <> (queue_id IS NULL)')


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM {TABLE} WHERE user_id IS NULL"))
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(op.f('ck_voicemail_messages_one_owner'), type_='check')
        batch.drop_index('ix_voicemail_messages_queue_created')
        batch.drop_constraint(op.f('fk_voicemail_messages_queue_id_queues'),
                              type_='foreignkey')
        batch.drop_column('queue_id')
        batch.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
