"""audit: administrative changes name the object they changed

`audit_events.object_type` / `object_id`: the profile, schedule or user an administrator
changed, so the audit log can be filtered by object; before and after stay in `detail`.

Revision ID: 0016a
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0016a'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('object_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('object_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_events_object', ['tenant_id', 'object_type',
                                                         'object_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_column('object_id')
        batch_op.drop_column('object_type')
