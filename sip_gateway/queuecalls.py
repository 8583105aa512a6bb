"""The gateway's side of calls to a queue (on the pjsua thread, like the session).

A call routed to a queue is driven by `queuecontrol.QueueControl` instead of call control.
Its queue actions are performed here: the queue call's database writes and the
distribution's question run on the recorder thread (in order with every other write) and
come back to the call as inputs; waiting music, the members' "via queue" pushes and their
busy count are local. Everything else (dial, cancel, answer, bridge, play, hang up, timers)
goes through the session as for any call.
"""
from __future__ import annotations

import logging

from api import gateway_port as port

from .core.queuecontrol import QueueControl
from .core.queuemessages import (AskNext, Decided, Digit, Enqueue, Entered, MemberBusy,
                                 MemberTargets, Nudge, PushMember, QueueStep, QueueWrite,
                                 StartLoop, StopLoop)

log = logging.getLogger("sip_gateway")


def is_queue_call(route) -> bool:
    """A call routed to a queue: queue control drives it."""
    steps = route.plan.steps if route.plan is not None else ()
    return bool(steps) and isinstance(steps[0], QueueStep)


def actions() -> dict:
    """A queue call's actions -> what performs them, (session, action)."""
    return {Enqueue: _enqueue, AskNext: _ask_next, QueueWrite: _write, StartLoop: _start_loop,
            StopLoop: _stop_loop, PushMember: _push, MemberBusy: _member_busy}


def _enqueue(session, a: Enqueue) -> None:
    gw, step, r = session.gw, session.cc.queue, session.route_info
    gw.recorder.submit(enqueue, step.tenant_id, step.queue_id, r.caller,
                       (r.hit or {}).get("name"), session.sip_id, returned(r),
                       then=lambda entered: gw.post(session.feed,
                                                    entered or Entered(None, False)))


def returned(route) -> bool:
    """A caller who already waited or talked elsewhere is served before new callers: a call
    diverted to the queue (another queue's overflow, a forwarding: its Diversion) or one a
    colleague transferred here from the app (with return or blind)."""
    return bool(route.diverted_from) or "transferred_by" in (route.context or {})


def _ask_next(session, a: AskNext) -> None:
    gw = session.gw
    tenant_id, trunk = session.cc.queue.tenant_id, gw.cfg.uris()
    gw.recorder.submit(ask_next, tenant_id, a.call_id, a.round, trunk,
                       then=lambda d: gw.post(session.feed, d or Decided(a.round)))


def _write(session, a: QueueWrite) -> None:
    gw = session.gw
    log.info("queue call", extra=session.log_extra(event="queue_write", op=a.op,
                                                   queue_call_id=a.call_id, user_id=a.user_id))
    # once written, a member may be free: at once, or when the wrap-up of a call is over
    wrapup = a.op in ("ended", "transferred")
    delay = session.cc.queue.wrapup_s + 0.05 if wrapup else 0.0
    order = session.transfer.order or {}
    to = order.get("target_name") or order.get("target_number") or ""
    gw.recorder.submit(write, session.cc.queue.tenant_id, a.op, a.call_id, a.user_id, to,
                       then=lambda _r: gw.post(gw.start_timer, delay, nudge, gw))


def _start_loop(session, a: StartLoop) -> None:
    session.queue_member.loop = None if session.start_loop(a.tone) else a.tone


def _stop_loop(session, _a: StopLoop) -> None:
    session.queue_member.loop = None
    session.stop_loop()


def _member_busy(session, a: MemberBusy) -> None:
    count_busy(session.gw, a.user_id, 1 if a.busy else -1)
    _member_call(session, a)


def nudge(gw) -> None:
    """Every queue call on this gateway that found nobody to ring asks again now."""
    for session in list(gw.sessions.values()):
        if isinstance(session.cc, QueueControl):
            session.feed(Nudge())


def digit(session, key: str) -> None:
    """A key the caller pressed (RFC 4733): only a queue call listens (press 1: callback)."""
    if isinstance(session.cc, QueueControl):
        log.info("caller key", extra=session.log_extra(event="queue_digit", digit=key))
        session.feed(Digit(key))


def media_ready(session) -> None:
    """The caller's media came up after the music was asked for: start it now."""
    tone = session.queue_member.loop
    if tone and session.start_loop(tone):
        session.queue_member.loop = None


def _push(session, a: PushMember) -> None:
    r, tenant_id = session.route_info, session.cc.queue.tenant_id
    log.info("queue push", extra=session.log_extra(event="queue_push", kind=a.kind,
                                                user_id=a.user_id, reason=a.reason))
    if a.kind == "incoming":
        session.gw.notifier.incoming_call(tenant_id, a.user_id, session.sip_id, r.caller,
                                          hit=r.hit, context=r.context,
                                          ring_timeout=a.ring_for_s)
    else:
        session.gw.notifier.call_ended(tenant_id, a.user_id, session.sip_id, reason=a.reason)


def _member_call(session, a: MemberBusy) -> None:
    """The member's own view of the queue call: in their calls while it lasts (busy for every
    gateway and the directory), then in their call log as answered via the queue."""
    from api.gateway_port import now

    from .sides import LiveRef

    gw, r, step = session.gw, session.route_info, session.cc.queue
    if a.busy:
        leg, target = session.legs.get(a.leg), session.cc.legs[a.leg].target
        side = session.queue_member
        side.user_id = a.user_id
        live = side.live = LiveRef()
        side.answered_at = at = now()
        sip_id = (leg.sip_id if leg is not None else "") or session.sip_id

        def answered(db) -> None:  # one write: the call never shows as ringing for them
            live.id = port.member_answered(db, step.tenant_id, a.user_id, gw.cfg.gateway_id,
                                           sip_id, r.caller, a.leg, target.kind, target.uri,
                                           at)
        # once written, the app's hang-up command for the member's call reaches this call
        gw.recorder.submit(answered, then=lambda _r: gw.post(_register, gw, session, live))
        return
    live, answered_at = session.queue_member.live, session.queue_member.answered_at
    session.queue_member.user_id = None
    if live is not None and live.id is not None and gw.by_live_id.get(live.id) is session:
        del gw.by_live_id[live.id]
    gw.recorder.submit(lambda db: live is not None and live.id
                       and port.member_call_ended(db, live.id))
    gw.recorder.submit(lambda db: port.member_call_logged(
        db, step.tenant_id, a.user_id, r.caller, session.started_at, answered_at, now(),
        session.sip_id, r.hit, step.queue_id))


def _register(gw, session, live) -> None:
    """The member's live call is written: commands for it go to this call while it lasts."""
    if live.id is not None and session.cc.member is not None \
            and session.queue_member.live is live:
        gw.by_live_id[live.id] = session


def count_busy(gw, user_id: int, delta: int) -> None:
    left = gw.busy.get(user_id, 0) + delta
    if left > 0:
        gw.busy[user_id] = left
    else:
        gw.busy.pop(user_id, None)


# -- on the recorder thread --------------------------------------------------------------------

def enqueue(db, tenant_id: int, queue_id: int, caller: str | None, caller_name: str | None,
            call_ref: str, returned: bool = False) -> Entered:
    call_id, accepted, position = port.enqueue(db, tenant_id, queue_id, caller, caller_name,
                                               call_ref, returned)
    log.info("queue entered", extra={"event": "queue_entered", "call_id": call_ref,
                                     "queue_call_id": call_id, "accepted": accepted,
                                     "position": position})
    return Entered(call_id, accepted, position)


def ask_next(db, tenant_id: int, call_id: int, round_no: int, uris: dict) -> Decided:
    """The distribution's choice for this round, with each member's devices to ring."""
    from api.gateway_port import now

    from .core.callmessages import Target
    from .core.plans import to_trunk

    asked_at = now()  # the distribution decides at this instant or just after
    decision = port.ring_next(db, tenant_id, call_id)
    log.info("queue distribution", extra={"event": "queue_ring", "queue_call_id": call_id,
                                          "round": round_no, "ring": list(decision.ring),
                                          "reason": decision.reason,
                                          "asked_at": asked_at.isoformat()})
    # what the members' phones show: the caller, or the queue's or a main number, with the
    # queue's prefix and suffix (queue settings)
    shown = {"from_number": decision.from_user, "from_display": decision.from_display}
    return Decided(round_no, tuple(
        MemberTargets(uid, tuple(Target(kind, address if address.startswith("sip")
                                        else to_trunk(uris, address), **shown)
                                 for kind, address in decision.devices[uid]))
        for uid in decision.ring), decision.ring_for_s)


def write(db, tenant_id: int, op: str, call_id: int, user_id: int | None, to: str = "") -> None:
    outcome = port.write(db, tenant_id, op, call_id, user_id, to)
    if op == "no_answer":
        log.info("queue member did not answer", extra={
            "event": "queue_no_answer", "queue_call_id": call_id, "user_id": user_id,
            "outcome": outcome})
