"""A call's rows, written on the recorder thread in order: its live state (ringing, answered,
held, ended, as the user's calls show it) and its call log entry."""
from __future__ import annotations

import logging

from . import joined, placed
from .core.callmessages import LogCall, WriteState

log = logging.getLogger("sip_gateway")


def write_state(session, a: WriteState) -> None:
    from api import gateway_port as port
    from api.gateway_port import now

    r, rec, live = session.route_info, session.gw.recorder, session.live
    if a.state == "answered":   # a colleague joined has answered again (their transfer came back)
        live = joined.holder(session)[1]
    if r is None or r.user_id is None or r.direction == "feature":
        return
    if a.state == "ringing":
        other = r.called if r.direction == "outgoing" else r.caller
        started = (r.tenant_id, r.user_id, session.gw.cfg.gateway_id, session.sip_id,
                   r.direction, other)

        def start(db):
            # the call's later writes may be in the same batch: they read the id from here
            live.id = port.call_started(db, *started)
            return live.id

        rec.submit(start, then=lambda live_id: _started(session, live_id))
        placed.begin(session)   # a colleague called from a user's own phone: theirs too
    elif a.state == "answered":
        session.answered_at = now()
        leg = session.legs.get(a.leg)
        target = leg and session.cc.legs[a.leg].target
        session.answered_by = target.kind if target else None
        placed.answered(session)
        rec.submit(lambda db: live.id and port.call_answered(
            db, live.id, a.leg, target.kind if target else "", target.uri if target
            else "", session.answered_at))
    else:
        rec.submit(lambda db: live.id and port.call_ended(db, live.id))

def leg_held(session, leg: int | None, held: bool) -> None:
    """A phone put its leg on hold or took it back: the live call is held while any of its
    legs is (the user's phone, or the other party's)."""
    from api import gateway_port as port

    was = bool(session.held_legs)
    (session.held_legs.add if held else session.held_legs.discard)(leg)
    now_held = bool(session.held_legs)
    user_id, live = joined.holder(session)
    if now_held == was or user_id is None:
        return
    log.info("call held" if now_held else "call resumed",
             extra=session.log_extra(event="call_held", held=now_held, leg=leg,
                                     user_id=user_id))
    session.gw.recorder.submit(lambda db: live.id and port.call_held(db, live.id, now_held))


def _started(session, live_id) -> None:
    """On the recorder thread: later writes of this call need the id at once."""
    session.live.id = live_id
    if live_id is not None:
        session.live_written(live_id)
        session.gw.post(_register, session, live_id)

def _register(session, live_id: int) -> None:
    if not session.cc.over:
        session.gw.by_live_id[live_id] = session

def log_call(session, a: LogCall) -> None:
    from api.gateway_port import record_call
    from api.gateway_port import now

    r = session.transfer.route or session.route_info   # as its user saw it (not turned)
    if r is None or r.user_id is None or r.direction == "feature":
        return
    other = r.called if r.direction == "outgoing" else r.caller
    by = (r.context or {}).get("transferred_by") or {}
    # a call the user placed was answered when the party they called answered (the machine
    # counts only the user's own devices answering)
    status = "answered" if r.direction == "outgoing" and session.answered_at else a.status
    session.log_status = status   # the "call ended" line says it
    session.gw.recorder.submit(
        lambda db: record_call(db, r.tenant_id, r.user_id, direction=r.direction,
                               status=status, other_number=other,
                               started_at=session.started_at, answered_at=session.answered_at,
                               ended_at=now(), call_id=session.sip_id, hit=r.hit,
                               look_up=False, transferred_by_user_id=by.get("user_id"),
                               via_main_number_id=r.via_main_number,
                               answered_by=session.answered_by,
                               reason=r.reason if r.direction == "incoming" else None))
