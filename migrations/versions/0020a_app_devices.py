"""devices: the app as a softphone ("app" devices), tied to the push token that wakes it

An app device is one installed app (one push token) registering at the SIP edge with its own
credentials. `push_device_id` names that token; removing the token (logout, pruning) removes
the device. The edge's view `sip_subscribers` gains `push_token`: a REGISTER whose Contact
carries RFC 8599 push parameters is accepted only when its `pn-prid` is that token, so one
device cannot have another phone woken for its calls.

Revision ID: 0020a
Revises: 0017e
"""
import sqlalchemy as sa
from alembic import op


revision = '0020a'
down_revision = '0017e'
branch_labels = None
depends_on = '0014a'

OLD_VIEW = ("CREATE VIEW sip_subscribers AS "
            "SELECT d.sip_username AS username, '' AS domain, d.sip_ha1 AS ha1, "
            "COALESCE(u.office_number, u.mobile) AS number "
            "FROM availability_devices d JOIN users u ON u.id = d.user_id "
            "WHERE d.sip_username IS NOT NULL AND d.sip_ha1 IS NOT NULL AND d.enabled")
# push_token: the only pn-prid the device may register with (NULL: none at all)
VIEW = ("CREATE VIEW sip_subscribers AS "
        "SELECT d.sip_username AS username, '' AS domain, d.sip_ha1 AS ha1, "
        "COALESCE(u.office_number, u.mobile) AS number, p.token AS push_token "
        "FROM availability_devices d JOIN users u ON u.id = d.user_id "
        "LEFT JOIN push_devices p ON p.id = d.push_device_id AND p.user_id = d.user_id "
        "AND p.tenant_id = d.tenant_id "
        "WHERE d.sip_username IS NOT NULL AND d.sip_ha1 IS NOT NULL AND d.enabled")


def upgrade() -> None:
    op.execute("DROP VIEW sip_subscribers")
    if op.get_bind().dialect.name == "sqlite":
        # added in place (no table copy: other views read availability_devices)
        op.execute("ALTER TABLE availability_devices ADD COLUMN push_device_id INTEGER "
                   "REFERENCES push_devices (id) ON DELETE CASCADE")
    else:
        op.add_column('availability_devices',
                      sa.Column('push_device_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_availability_devices_push_device', 'availability_devices',
                              'push_devices', ['push_device_id'], ['id'], ondelete='CASCADE')
    op.create_index('ix_availability_devices_push_device_id', 'availability_devices',
                    ['push_device_id'], unique=True)
    op.execute(VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW sip_subscribers")
    op.execute("DELETE FROM availability_devices WHERE kind = 'app'")
    op.drop_index('ix_availability_devices_push_device_id', 'availability_devices')
    if op.get_bind().dialect.name != "sqlite":   # SQLite cannot drop a foreign key column
        # in place (a table copy would break the other views over it): it stays, unused
        op.drop_constraint('fk_availability_devices_push_device', 'availability_devices',
                           type_='foreignkey')
        op.drop_column('availability_devices', 'push_device_id')
    op.execute(OLD_VIEW)
