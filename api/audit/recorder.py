"""The one place administrative changes are recorded: who changed what, before and after.

Services call `change(...)` around the work they commit: the event is added just before that
commit, in the same transaction, so a change is never saved without its audit event (nor
an event for a change that failed). Creations are recorded with `created(...)` once the new
row has its id.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterator

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..accounts.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts, in which company (the signed-in administrator; the request's principal
    has the same two attributes and serves as well)."""

    tenant_id: int
    user_id: int


SECRET = ("password", "secret", "token", "hash", "ha1")


def snapshot(row: Any) -> dict | None:
    """A row's columns as JSON-safe values (dates as ISO text), for before/after; never a
    password hash, secret or token."""
    if row is None:
        return None
    values = {a.key: getattr(row, a.key) for a in inspect(row).mapper.column_attrs
              if not any(word in a.key for word in SECRET)}
    return json.loads(json.dumps(values, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def record(db: Session, actor: Actor, what: str, verb: str, row: Any, before: dict | None,
           after: dict | None, **detail) -> AuditEvent:
    """Add the event `<what>_<verb>` (e.g. profile_updated) for `row`, a `what`; not
    committed: it goes with the caller's transaction."""
    entry = AuditEvent(tenant_id=actor.tenant_id, actor_user_id=actor.user_id,
                       kind=f"{what}_{verb}", object_type=what,
                       object_id=getattr(row, "id", None),
                       detail={**detail, "before": before, "after": after})
    db.add(entry)
    return entry


@contextmanager
def change(db: Session, actor: Actor, what: str, row: Any, deleting: bool = False,
           **detail) -> Iterator[None]:
    """Record the change the block makes to `row` in the transaction that commits it."""
    before, done = snapshot(row), []

    def add(session: Session) -> None:
        if not done:
            done.append(True)
            verb, after = ("deleted", None) if deleting else ("updated", snapshot(row))
            record(session, actor, what, verb, row, before, after, **detail)

    event.listen(db, "before_commit", add)
    try:
        yield
    finally:
        event.remove(db, "before_commit", add)


def created(db: Session, actor: Actor, what: str, row: Any, **detail) -> None:
    """Record a row just created (and commit the event)."""
    db.flush()
    record(db, actor, what, "created", row, None, snapshot(row), **detail)
    db.commit()
