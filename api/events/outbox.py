"""Writing events: one row in the outbox, in the caller's transaction.

On PostgreSQL the same transaction sends `NOTIFY pbx_events` (delivered when it commits)
and takes a transaction-level advisory lock before the row gets its id, so that events
commit in the order of their ids: a stream that has read up to id N never later meets a
smaller id committing behind it. On SQLite writers are serialised by the database itself.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from ..core.clock import now
from .models import OutboxEvent

CHANNEL = "pbx_events"
_LOCK_KEY = 0x70627865  # the outbox's advisory lock
KINDS = frozenset({"presence", "call", "transfer", "command", "queue", "missed_call",
                   "voicemail", "session_revoked"})
_INSERT = insert(OutboxEvent.__table__)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def record(db: Session, tenant_id: int, kind: str, data: dict, *, user_id: int | None = None,
           session_id: int | None = None, queue_id: int | None = None) -> None:
    """Add an event for the tenant (everyone), one user, one session or one queue's people."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    conn = db.connection()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    conn.execute(_INSERT, dict(tenant_id=tenant_id, at=now(), kind=kind, user_id=user_id,
                               session_id=session_id, queue_id=queue_id,
                               data=json.loads(json.dumps(data, default=_plain))))
    if postgres:
        conn.execute(text(f"NOTIFY {CHANNEL}"))
