"""The `voicemail` live event: a message is new, heard, unheard or deleted, with the unread
count of its mailbox. A user's mailbox: to that user only. A queue's mailbox (`queue_id`
in the event): to the people who may open it, as a queue's own events reach them (its
members, the queue leaders unless it is hidden, the queue administrators)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..events.outbox import record
from .schemas import VoicemailMessageSchema


def _send(db: Session, tenant_id: int, user_id: int | None, queue_id: int | None,
          payload: dict) -> None:
    if queue_id is None:
        return record(db, tenant_id, "voicemail", payload, user_id=user_id)
    from ..queues.models import Queue, QueueMember

    members = db.scalars(select(QueueMember.user_id).where(QueueMember.queue_id == queue_id))
    hidden = db.scalar(select(Queue.hide_from_switchboard).where(Queue.id == queue_id))
    record(db, tenant_id, "voicemail",
           {**payload, "queue_id": queue_id, "members": {str(m): True for m in members},
            "hidden": bool(hidden)}, queue_id=queue_id)


def changed(db: Session, row, what: str, unread: int) -> None:
    _send(db, row.tenant_id, row.user_id, row.queue_id,
          {"event": what, "message": VoicemailMessageSchema().dump(row), "unread": unread})


def deleted(db: Session, tenant_id: int, user_id: int | None, message_id: int, unread: int,
            queue_id: int | None = None) -> None:
    _send(db, tenant_id, user_id, queue_id,
          {"event": "deleted", "message": {"id": message_id}, "unread": unread})
