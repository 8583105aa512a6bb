"""voicemail: a partial index of each user's unheard messages, for the unread count every
`GET /api/v1/me` reads (it had only the company's index to go by: a scan of the company's
messages per request)

Revision ID: 0021v
Revises: 0020l
"""
import sqlalchemy as sa
from alembic import op

revision = '0021v'
down_revision = '0020l'
branch_labels = None
depends_on = None

TABLE = 'voicemail_messages'
INDEX = 'ix_voicemail_messages_user_unheard'
UNHEARD = sa.text('heard_at IS NULL')


def upgrade() -> None:
    op.create_index(INDEX, TABLE, ['user_id', 'tenant_id'],
                    sqlite_where=UNHEARD, postgresql_where=UNHEARD)


def downgrade() -> None:
    op.drop_index(INDEX, TABLE)
