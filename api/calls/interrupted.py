"""Calls no gateway will finish: those a gateway held when it died.

A gateway that starts again finishes what its previous run left (`finish_gateway_calls` with
`RESTARTED`). A gateway that never comes back is noticed by its silence: every running
gateway writes a heartbeat (`heartbeat`, into its `gateway_endpoints` row, every second); the
other gateways close the live calls of one that has been silent for longer than
`silent_after_s` (5 s by default, `close_silent`), so its users are free again within
seconds; the API does the same after `LONE_SILENT_S` for a gateway that had no peer to
notice it. Either way each call goes to its user's call log as
failed (it was ringing) or answered and cut short, with the reason, and leaves the live
calls, so nobody stays "in a call"; its pending commands fail.
"""
from __future__ import annotations

import logging
import os
from datetime import timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from ..callerid.why import END_REASONS, GATEWAY_RESTARTED, GATEWAY_SILENT
from ..core.clock import as_utc, now
from .models import CallCommand, CallLeg, GatewayEndpoint, LiveCall

log = logging.getLogger("api.calls")
RESTARTED, SILENT = GATEWAY_RESTARTED, GATEWAY_SILENT
HEARTBEAT_S = 1.0         # how often a running gateway writes its heartbeat
SILENT_AFTER_S = 5.0      # a gateway this long without a heartbeat has died
LONE_SILENT_S = 90.0      # the API's sweep: slower, it cannot tell a database outage apart


def silent_after_s(env: dict | None = None) -> float:
    """`GATEWAY_SILENT_S`, at least three heartbeats."""
    value = float((os.environ if env is None else env).get("GATEWAY_SILENT_S", SILENT_AFTER_S))
    return max(3 * HEARTBEAT_S, value)


def heartbeat(db: Session, gateway_id: str) -> bool:
    """This gateway is running; False when its endpoint row is gone (register it again)."""
    done = db.execute(update(GatewayEndpoint).where(GatewayEndpoint.gateway_id == gateway_id)
                      .values(seen_at=now())).rowcount
    db.commit()
    return bool(done)


def finish_gateway_calls(db: Session, gateway_id: str, reason: str) -> int:
    """Write every live call of `gateway_id` to the call log with `reason` (RESTARTED or
    SILENT, kept as the code and worded by the reader's call log), remove them and
    fail the gateway's unfinished commands. Safe when several processes run it at once: a
    call is finished by whoever removes its row. Returns how many calls were finished."""
    from ..callerid.calllog import record_call

    calls = db.execute(select(LiveCall).where(LiveCall.gateway_id == gateway_id)
                       .order_by(LiveCall.id)).scalars().all()
    db.execute(update(CallCommand).where(CallCommand.gateway_id == gateway_id,
                                         CallCommand.state.in_(("pending", "running")))
               .values(state="failed", result=END_REASONS[reason], done_at=now()))
    db.commit()
    finished = 0
    for call in calls:
        db.execute(delete(CallLeg).where(CallLeg.call_id == call.id))
        if db.execute(delete(LiveCall).where(LiveCall.id == call.id)).rowcount != 1:
            db.rollback()         # another process finished it first
            continue
        entry = _log_entry(call, reason)
        if entry is not None and not _logged(db, call):
            record_call(db, call.tenant_id, call.user_id, **entry)  # commits
        else:
            db.commit()
        finished += 1
    if finished:
        log.warning("interrupted calls finished", extra={
            "event": "calls_interrupted", "gateway_id": gateway_id, "calls": finished,
            "reason": reason})
    return finished


def _log_entry(call: LiveCall, reason: str) -> dict | None:
    if call.direction not in ("incoming", "outgoing"):
        return None
    answered = call.state in ("answered", "held") and call.answered_at is not None
    return dict(direction=call.direction, status="answered" if answered else "failed",
                other_number=call.other_number, started_at=call.started_at,
                answered_at=call.answered_at if answered else None, ended_at=now(),
                call_id=call.sip_call_id[:100], look_up=False, end_reason=reason)


def _logged(db: Session, call: LiveCall) -> bool:
    """The gateway wrote the call's entry itself before it died."""
    from ..callerid.models import CallLogEntry

    return db.scalar(select(exists().where(
        CallLogEntry.tenant_id == call.tenant_id, CallLogEntry.user_id == call.user_id,
        CallLogEntry.call_id == call.sip_call_id[:100]))) is True


def silent_gateways(db: Session, silent_after: float, but: str | None = None) -> list[str]:
    """Gateways holding live calls whose last sign of life is older than `silent_after`
    seconds; a gateway with no endpoint row at all (a running one puts it back within a
    poll) counts when its calls are that old. `but`: never this one (the caller itself)."""
    cutoff = now() - timedelta(seconds=silent_after)
    ep = GatewayEndpoint
    seen = select(ep.gateway_id, ep.seen_at, ep.started_at).where(
        exists().where(LiveCall.gateway_id == ep.gateway_id))
    found = [g for g, seen_at, started in db.execute(seen)
             if as_utc(seen_at or started) < cutoff]
    orphans = db.scalars(select(LiveCall.gateway_id).distinct().where(
        ~exists().where(ep.gateway_id == LiveCall.gateway_id),
        LiveCall.started_at < cutoff)).all()
    db.rollback()
    return [g for g in dict.fromkeys([*found, *orphans]) if g != but]


def close_silent(db: Session, silent_after: float | None = None, but: str | None = None) -> int:
    """Finish the live calls of every silent gateway (see `silent_gateways`); how many."""
    silent_after = silent_after_s() if silent_after is None else silent_after
    return sum(finish_gateway_calls(db, g, SILENT)
               for g in silent_gateways(db, silent_after, but))


class Sweeper:
    """The API's share: at most every `every_s` seconds per process, on a request, close the
    calls of silent gateways (so a single gateway that died is noticed without another one).
    Runs in its own session; never fails the request it rides on."""

    def __init__(self, every_s: float = 30.0, monotonic=None) -> None:
        import threading
        import time

        self._every, self._mono = every_s, monotonic or time.monotonic
        self._next = 0.0
        self._lock = threading.Lock()

    def due(self) -> bool:
        if self._mono() < self._next:  # almost every request: no lock needed to say no
            return False
        with self._lock:
            at = self._mono()
            if at < self._next:
                return False
            self._next = at + self._every
            return True

    def __call__(self) -> None:
        if not self.due():
            return
        from flask import current_app

        try:
            with current_app.extensions["session_factory"]() as db:
                close_silent(db, max(LONE_SILENT_S, silent_after_s()))
        except Exception:
            log.warning("silent gateways' calls not closed", exc_info=True,
                        extra={"event": "stale_sweep_error"})
