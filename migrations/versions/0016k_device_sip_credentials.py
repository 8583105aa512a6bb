"""devices: SIP credentials for the edge (user name + HA1), and the view the edge reads

A softphone or desk phone gets a SIP user name and the HA1 digest hash of its password
(MD5 of "username:realm:password"); the password itself is never stored. The SIP edge
(Kamailio's auth_db) reads `sip_subscribers`, a view over the devices, so there is no
second copy of users to keep in sync: a disabled or removed device stops authenticating
at once. The view also gives the user's number, which the edge asserts for the device's calls.

Revision ID: 0016k
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op


revision = '0016k'
down_revision = '0002'
branch_labels = None
depends_on = None

# `number`: what the edge asserts for calls from the device (the user's office number,
# else their mobile), so the gateway knows the caller from authentication, not from From
VIEW = ("CREATE VIEW sip_subscribers AS "
        "SELECT d.sip_username AS username, '' AS domain, d.sip_ha1 AS ha1, "
        "COALESCE(u.office_number, u.mobile) AS number "
        "FROM availability_devices d JOIN users u ON u.id = d.user_id "
        "WHERE d.sip_username IS NOT NULL AND d.sip_ha1 IS NOT NULL AND d.enabled")


def upgrade() -> None:
    with op.batch_alter_table('availability_devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sip_username', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('sip_ha1', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint('uq_availability_devices_sip_username',
                                          ['sip_username'])
    op.execute(VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW sip_subscribers")
    with op.batch_alter_table('availability_devices', schema=None) as batch_op:
        batch_op.drop_constraint('uq_availability_devices_sip_username', type_='unique')
        batch_op.drop_column('sip_ha1')
        batch_op.drop_column('sip_username')
