"""Writing events: one row in the outbox, in the caller's transaction.

On PostgreSQL the same transaction sends `NOTIFY pbx_events` (delivered when it commits)
and takes a transaction-level advisory lock before the row gets its id, so that events
commit in the order of their ids: a stream that has read up to id N never later meets a
smaller id committing behind it. On SQLite writers are serialised by the database itself.

An event is written by one statement on the driver's cursor (`Prepared`), its data
serialised once: on PostgreSQL the lock and the NOTIFY are taken by the subquery the row is
selected from, which runs before the row's id is drawn (one round trip instead of three).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Text, bindparam, cast, func, insert, select
from sqlalchemy.orm import Session

from ..core.clock import now
from ..core.prepared import Prepared
from .models import OutboxEvent

CHANNEL = "pbx_events"
_LOCK_KEY = 0x70627865  # the outbox's advisory lock
KINDS = frozenset({"presence", "call", "transfer", "command", "queue", "missed_call",
                   "voicemail", "session_revoked"})
_COLUMNS = ("tenant_id", "at", "kind", "user_id", "session_id", "queue_id")


def _insert(dialect: str):
    table = OutboxEvent.__table__
    values = [bindparam(name, type_=table.c[name].type) for name in _COLUMNS]
    data = bindparam("data", type_=Text)   # already JSON text
    if dialect != "postgresql":
        return insert(table).values(**dict(zip(_COLUMNS, values)), data=data)
    locked = select(func.pg_advisory_xact_lock(_LOCK_KEY).label("locked"),
                    func.pg_notify(CHANNEL, "").label("notified")).subquery()
    return insert(table).from_select([*_COLUMNS, "data"],
                                     select(*values, cast(data, JSON)).select_from(locked))


_INSERT = Prepared(_insert, per_dialect=True)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def record(db: Session, tenant_id: int, kind: str, data: dict, *, user_id: int | None = None,
           session_id: int | None = None, queue_id: int | None = None) -> None:
    """Add an event for the tenant (everyone), one user, one session or one queue's people."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    _INSERT.run(db, tenant_id=tenant_id, at=now(), kind=kind, user_id=user_id,
                session_id=session_id, queue_id=queue_id,
                data=json.dumps(data, default=_plain))
