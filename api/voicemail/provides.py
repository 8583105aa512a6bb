"""What voicemail answers for other features (`bootstrap.wiring`)."""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import VoicemailMessage
from .services import unread_count


def unread(db: Session, tenant_id: int, user_id: int) -> int:
    """The `voicemail_unread` port: messages the user has not heard yet."""
    return unread_count(db, tenant_id, user_id)


def of_calls(db: Session, tenant_id: int, user_id: int, call_ids: Sequence[str]
             ) -> dict[str, int]:
    """The `call_voicemails` port: the user's message left during each call (by Call-ID)."""
    ids = [i for i in set(call_ids) if i]
    if not ids:
        return {}
    return {call_id: message_id for message_id, call_id in db.execute(
        select(VoicemailMessage.id, VoicemailMessage.call_id).where(
            VoicemailMessage.tenant_id == tenant_id, VoicemailMessage.user_id == user_id,
            VoicemailMessage.call_id.in_(ids)))}
