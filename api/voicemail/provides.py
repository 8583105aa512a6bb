"""What voicemail answers for other features (`bootstrap.wiring`)."""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..core.db import Prepared
from ..core.prepared import Bound
from .models import VoicemailMessage

# every `GET /api/v1/me` asks it (the app's badge): prepared once per dialect
_UNREAD = Prepared(lambda: select(func.count().label("unread")).select_from(VoicemailMessage).where(
    VoicemailMessage.tenant_id == bindparam("tid"), VoicemailMessage.user_id == bindparam("uid"),
    VoicemailMessage.heard_at.is_(None)), one_row=True)


def unread(db: Session, tenant_id: int, user_id: int) -> int:
    """The `voicemail_unread` port: messages the user has not heard yet (the same count as
    `services.unread_count` of the user's own mailbox)."""
    return _UNREAD.scalar(db, tid=tenant_id, uid=user_id) or 0


def unread_read(tenant_id: int, user_id: int) -> Bound:
    """The `voicemail_unread_read` port: that count as a read for `run_reads` (one row, the
    count in its first column), to send along with other reads such as the login check."""
    return _UNREAD.bound(tid=tenant_id, uid=user_id)


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
