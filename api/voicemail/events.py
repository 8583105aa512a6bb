"""The `voicemail` live event, to the mailbox's owner only: a message is new, heard,
unheard or deleted, with the unread count the app shows as its badge."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..events.outbox import record
from .schemas import VoicemailMessageSchema


def changed(db: Session, row, what: str, unread: int) -> None:
    record(db, row.tenant_id, "voicemail",
           {"event": what, "message": VoicemailMessageSchema().dump(row), "unread": unread},
           user_id=row.user_id)


def deleted(db: Session, tenant_id: int, user_id: int, message_id: int, unread: int) -> None:
    record(db, tenant_id, "voicemail",
           {"event": "deleted", "message": {"id": message_id}, "unread": unread},
           user_id=user_id)
