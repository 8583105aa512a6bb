"""The events of the app's stream, written by subscribers of the feature events
(`bootstrap.wiring`): each carries the object as the REST API returns it."""
from __future__ import annotations

import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.ports import ports
from .outbox import record


def _presence(db: Session, tenant_id: int, user_id: int, in_call: bool | None = None) -> dict:
    """A colleague as the directory shows them live (`availability`, `in_call`)."""
    found = ports(db)
    if in_call is None:
        in_call = user_id in found.in_call_user_ids(db, tenant_id, [user_id])
    return {"user_id": user_id,
            "availability": found.presence(db, tenant_id, [user_id]).get(user_id),
            "in_call": in_call}


def on_availability_changed(db: Session, tenant_id: int, user_id: int, _old, _new) -> None:
    """Everyone of the company sees a colleague's availability change."""
    db.flush()
    record(db, tenant_id, "presence", _presence(db, tenant_id, user_id))


def on_presence_changed(db: Session, tenant_id: int, user_id: int) -> None:
    """Everyone of the company sees a colleague's note or "until" change (same profile)."""
    db.flush()
    record(db, tenant_id, "presence", _presence(db, tenant_id, user_id))


def on_queues_changed(db: Session, tenant_id: int, views: dict[int, dict]) -> None:
    """Each changed queue's live view, for its members and the company's queue leaders
    (`hub.Audience.sees_queue`); the stream shows each member their own state in it."""
    for queue_id, view in views.items():
        record(db, tenant_id, "queue", view, queue_id=queue_id)


def on_sessions_revoked(db: Session, tenant_id: int, session_ids: list[int]) -> None:
    """The stream of a revoked session hears it and ends."""
    from ..accounts.models import AuthSession

    rows = db.execute(select(AuthSession.id, AuthSession.user_id, AuthSession.revoked_reason)
                      .where(AuthSession.tenant_id == tenant_id,
                             AuthSession.id.in_(session_ids))).all()
    for sid, uid, reason in rows:
        record(db, tenant_id, "session_revoked", {"session_id": sid, "reason": reason},
               user_id=uid, session_id=sid)


def on_call_changed(db: Session, call: dict, what: str, in_call: bool) -> None:
    """The user hears their call ring, be answered or end; the company hears the user
    go into or out of a call (`in_call` tells whether they still have one)."""
    tenant_id, user_id = call["tenant_id"], call["user_id"]
    data = {"event": what, "call": _live_call_schema().dump(call)}
    record(db, tenant_id, "call", data, user_id=user_id)
    if what in ("ringing", "ended", "transferring", "voicemail"):
        record(db, tenant_id, "presence", _presence(db, tenant_id, user_id, in_call))


@functools.cache
def _live_call_schema():
    """Built once: each call's start, answer and end is dumped with it."""
    from ..calls.schemas import LiveCallSchema

    return LiveCallSchema()


def on_command_finished(db: Session, command: dict) -> None:
    """The user hears their command done or failed (its row's columns)."""
    from ..accounts.language import language_of_user
    from ..calls.schemas import CallCommandSchema

    lang = language_of_user(db, command["tenant_id"], command["user_id"])
    record(db, command["tenant_id"], "command", CallCommandSchema(lang=lang).dump(command),
           user_id=command["user_id"])


def on_transfer_changed(db: Session, transfer) -> None:
    """The user hears their transfer progress; one that came back says why, in the words
    of the `transfer_returned` push."""
    from ..transfer.schemas import TransferSchema
    from ..transfer.services import returned_why, transfer_order

    data = TransferSchema().dump(transfer)
    if transfer.state == "returned":
        data["why"] = returned_why(db, transfer_order(db, transfer.id), transfer.reason)
    record(db, transfer.tenant_id, "transfer", data, user_id=transfer.user_id)


def on_call_missed(db: Session, entry: dict) -> None:
    """The user hears a missed call, as their call log shows it."""
    from types import SimpleNamespace

    from ..accounts.language import language_of_user
    from ..callerid.schemas import CallLogEntrySchema

    shown = SimpleNamespace(**entry, handled_at=None, transfer=None, voicemail_id=None)
    lang = language_of_user(db, entry["tenant_id"], entry["user_id"])
    record(db, entry["tenant_id"], "missed_call", CallLogEntrySchema(lang=lang).dump(shown),
           user_id=entry["user_id"])
