"""edge: Kamailio's location table (usrloc 5.6, table version 9) in the service's database

The edge writes every registration through (usrloc `db_mode` 1), so the routing decision can
leave out a device whose address of record has no registration, whichever process asks.

Revision ID: 0017e
Revises: 0016k
"""
from alembic import op
import sqlalchemy as sa


revision = '0017e'
down_revision = '0016k'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'location',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('ruid', sa.String(64), nullable=False, server_default='', unique=True),
        sa.Column('username', sa.String(64), nullable=False, server_default='', index=True),
        sa.Column('domain', sa.String(64)),
        sa.Column('contact', sa.String(512), nullable=False, server_default=''),
        sa.Column('received', sa.String(128)),
        sa.Column('path', sa.String(512)),
        sa.Column('expires', sa.DateTime(), nullable=False,
                  server_default=sa.text("'2030-05-28 21:32:15'")),
        sa.Column('q', sa.Numeric(10, 2), nullable=False, server_default=sa.text('1.0')),
        sa.Column('callid', sa.String(255), nullable=False, server_default='Default-Call-ID'),
        sa.Column('cseq', sa.Integer(), nullable=False, server_default=sa.text('1')),
        sa.Column('last_modified', sa.DateTime(), nullable=False,
                  server_default=sa.text("'2000-01-01 00:00:01'")),
        sa.Column('flags', sa.Integer(), nullable=False, server_default=sa.text('0')),
        sa.Column('cflags', sa.Integer(), nullable=False, server_default=sa.text('0')),
        sa.Column('user_agent', sa.String(255), nullable=False, server_default=''),
        sa.Column('socket', sa.String(64)),
        sa.Column('methods', sa.Integer()),
        sa.Column('instance', sa.String(255)),
        sa.Column('reg_id', sa.Integer(), nullable=False, server_default=sa.text('0')),
        sa.Column('server_id', sa.Integer(), nullable=False, server_default=sa.text('0')),
        sa.Column('connection_id', sa.Integer(), nullable=False, server_default=sa.text('0')),
        sa.Column('keepalive', sa.Integer(), nullable=False, server_default=sa.text('0')),
        sa.Column('partition', sa.Integer(), nullable=False, server_default=sa.text('0')),
    )


def downgrade() -> None:
    op.drop_table('location')
