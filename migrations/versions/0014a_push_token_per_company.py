"""push: a token is unique within a company, not across companies

Registering a push token that another company's user holds used to move that company's
device row (its id included) to the new owner. Each company now keeps its own row for a
token; registering it again only replaces a registration inside the same company.

Revision ID: 0014a
Revises: 0004
"""
from alembic import op


revision = '0014a'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('push_devices', schema=None) as batch_op:
        batch_op.drop_constraint('uq_push_devices_token', type_='unique')
        batch_op.create_unique_constraint('uq_push_devices_tenant_token', ['tenant_id', 'token'])


def downgrade() -> None:
    # Keep the newest registration of each token, as the single-owner rule had it.
    op.execute("DELETE FROM push_devices WHERE id NOT IN "
               "(SELECT MAX(id) FROM push_devices GROUP BY token)")
    with op.batch_alter_table('push_devices', schema=None) as batch_op:
        batch_op.drop_constraint('uq_push_devices_tenant_token', type_='unique')
        batch_op.create_unique_constraint('uq_push_devices_token', ['token'])
