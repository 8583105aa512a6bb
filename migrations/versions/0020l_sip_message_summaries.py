"""voicemail: the view the SIP edge reads a phone's message summary from

A desk phone or softphone that subscribes to `message-summary` (RFC 3842) at the edge gets
its user's unheard and heard message counts at once. The edge (Kamailio's sqlops) reads them
by the device's SIP user name from `sip_message_summaries`, a view over the devices and the
user's own mailbox: no copy to keep in step.

Revision ID: 0020l
Revises: 0017w
"""
from alembic import op


revision = '0020l'
down_revision = '0017w'
branch_labels = None
depends_on = '0016k'

VIEW = ("CREATE VIEW sip_message_summaries AS "
        "SELECT d.sip_username AS username, "
        "COUNT(m.id) - COUNT(m.heard_at) AS new_count, COUNT(m.heard_at) AS old_count "
        "FROM availability_devices d LEFT JOIN voicemail_messages m "
        "ON m.user_id = d.user_id AND m.tenant_id = d.tenant_id "
        "WHERE d.sip_username IS NOT NULL "
        "GROUP BY d.sip_username")


def upgrade() -> None:
    op.execute(VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW sip_message_summaries")
