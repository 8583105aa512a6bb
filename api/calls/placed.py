"""The gateway's side of calls placed from the app: the order a `call` command carries, the
live call it became, and how it ended (a queue callback's result is recorded with it)."""
from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import CallCommand
from .services import finish_command

log = logging.getLogger("api.calls")


def call_order(db: Session, command_id: int) -> dict | None:
    """What the gateway needs to place the call (resolved by the API), or None."""
    args = db.scalar(select(CallCommand.args).where(CallCommand.id == command_id,
                                                    CallCommand.kind == "call"))
    return dict(args) if args else None


def command_call(db: Session, command_id: int, live_id: int) -> None:
    """The placed call's live row exists: the command names it (the app follows it there)."""
    db.execute(update(CallCommand).where(CallCommand.id == command_id)
               .values(call_id=live_id))
    db.commit()


def call_placed(db: Session, command_id: int, ok: bool, result: str) -> None:
    """The placed call was bridged (`ok`) or ended without a conversation (`result` says
    why); a callback from a queue's list is marked answered or left for another attempt."""
    finish_command(db, command_id, "done" if ok else "failed", result)
    row = db.get(CallCommand, command_id)
    callback_id = (row.args or {}).get("callback_id") if row is not None else None
    if callback_id:
        from ..queues.callbacks import finish_callback, get_callback
        from ..core.errors import AppError

        try:
            finish_callback(db, get_callback(db, row.tenant_id, callback_id), row.user_id, ok)
        except AppError as exc:   # a colleague took it over, or it was marked by hand
            db.rollback()
            log.info("callback result not recorded", extra={
                "event": "callback_not_recorded", "callback_id": callback_id,
                "why": exc.detail})
