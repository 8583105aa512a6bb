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

from .queuecontrol import (AskNext, Decided, Digit, Enqueue, Entered, MemberBusy, MemberTargets,
                           Nudge, PushMember, QueueControl, QueueStep, QueueWrite, StartLoop,
                           StopLoop)

log = logging.getLogger("sip_gateway")


def take_over(session, route) -> None:
    """A call routed to a queue: queue control drives it from now on."""
    steps = route.plan.steps if route.plan is not None else ()
    if steps and isinstance(steps[0], QueueStep):
        session.cc = QueueControl()


def perform(session, a) -> bool:
    """Perform `a` if it is a queue action; False for everything else."""
    gw = session.gw
    if isinstance(a, Enqueue):
        step, r = session.cc.queue, session.route_info
        gw.recorder.submit(enqueue, step.tenant_id, step.queue_id, r.caller,
                           (r.hit or {}).get("name"), session.sip_id,
                           then=lambda entered: gw.post(session.feed, entered or Entered(None,
                                                                                         False)))
    elif isinstance(a, AskNext):
        tenant_id, trunk = session.cc.queue.tenant_id, gw.cfg.uris()
        gw.recorder.submit(ask_next, tenant_id, a.call_id, a.round, trunk,
                           then=lambda d: gw.post(session.feed, d or Decided(a.round)))
    elif isinstance(a, QueueWrite):
        log.info("queue call", extra=session._extra(event="queue_write", op=a.op,
                                                    queue_call_id=a.call_id, user_id=a.user_id))
        # once written, a member may be free: at once, or when the wrap-up of a call is over
        wrapup = a.op in ("ended", "transferred")
        delay = session.cc.queue.wrapup_s + 0.05 if wrapup else 0.0
        order = getattr(session, "transfer_order", None) or {}
        to = order.get("target_name") or order.get("target_number") or ""
        gw.recorder.submit(write, session.cc.queue.tenant_id, a.op, a.call_id, a.user_id, to,
                           then=lambda _r: gw.post(gw.start_timer, delay, nudge, gw))
    elif isinstance(a, StartLoop):
        session.queue_loop = None if session.start_loop(a.tone) else a.tone
    elif isinstance(a, StopLoop):
        session.queue_loop = None
        session.stop_loop()
    elif isinstance(a, PushMember):
        _push(session, a)
    elif isinstance(a, MemberBusy):
        _busy(gw, a.user_id, 1 if a.busy else -1)
        _member_call(session, a)
    else:
        return False
    return True


def nudge(gw) -> None:
    """Every queue call on this gateway that found nobody to ring asks again now."""
    for session in list(gw.sessions.values()):
        if isinstance(session.cc, QueueControl):
            session.feed(Nudge())


def digit(session, key: str) -> None:
    """A key the caller pressed (RFC 4733): only a queue call listens (press 1: callback)."""
    if isinstance(session.cc, QueueControl):
        log.info("caller key", extra=session._extra(event="queue_digit", digit=key))
        session.feed(Digit(key))


def media_ready(session) -> None:
    """The caller's media came up after the music was asked for: start it now."""
    tone = getattr(session, "queue_loop", None)
    if tone and session.start_loop(tone):
        session.queue_loop = None


def _push(session, a: PushMember) -> None:
    r, tenant_id = session.route_info, session.cc.queue.tenant_id
    log.info("queue push", extra=session._extra(event="queue_push", kind=a.kind,
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
    from api.callerid.services import record_call
    from api.calls import services as calls
    from api.core.clock import now

    from .session import LiveRef

    gw, r, step = session.gw, session.route_info, session.cc.queue
    if a.busy:
        leg, target = session.legs.get(a.leg), session.cc.legs[a.leg].target
        live = session.member_live = LiveRef()
        session.member_answered_at = at = now()
        sip_id = getattr(leg, "sip_id", "") or session.sip_id

        def answered(db) -> None:  # one write: the call never shows as ringing for them
            live.id = calls.call_started(db, step.tenant_id, a.user_id, gw.cfg.gateway_id,
                                         sip_id, "incoming", r.caller)
            calls.call_answered(db, live.id, a.leg, target.kind, target.uri, at)
        # once written, the app's hang-up command for the member's call reaches this call
        gw.recorder.submit(answered, then=lambda _r: gw.post(_register, gw, session, live))
        return
    live = getattr(session, "member_live", None)
    answered_at = getattr(session, "member_answered_at", None)
    if live is not None and live.id is not None and gw.by_live_id.get(live.id) is session:
        del gw.by_live_id[live.id]
    gw.recorder.submit(lambda db: live is not None and live.id and calls.call_ended(db, live.id))
    gw.recorder.submit(lambda db: record_call(
        db, step.tenant_id, a.user_id, direction="incoming", status="answered",
        other_number=r.caller, started_at=session.started_at, answered_at=answered_at,
        ended_at=now(), call_id=session.sip_id, hit=r.hit, look_up=False,
        via_queue_id=step.queue_id))


def _register(gw, session, live) -> None:
    """The member's live call is written: commands for it go to this call while it lasts."""
    if live.id is not None and session.cc.member is not None \
            and getattr(session, "member_live", None) is live:
        gw.by_live_id[live.id] = session


def _busy(gw, user_id: int, delta: int) -> None:
    left = gw.busy.get(user_id, 0) + delta
    if left > 0:
        gw.busy[user_id] = left
    else:
        gw.busy.pop(user_id, None)


# -- on the recorder thread --------------------------------------------------------------------

def enqueue(db, tenant_id: int, queue_id: int, caller: str | None, caller_name: str | None,
            call_ref: str) -> Entered:
    from sqlalchemy import func, select

    from api.queues import calls
    from api.queues.models import QueueCall

    entry = calls.enqueue(db, tenant_id, queue_id, caller_number=caller,
                          caller_name=caller_name, call_ref=call_ref[:80])
    call_id = entry.call.id
    position = db.scalar(select(func.count()).select_from(QueueCall).where(
        QueueCall.tenant_id == tenant_id, QueueCall.queue_id == queue_id,
        QueueCall.status == "waiting", QueueCall.id <= call_id)) or 1
    log.info("queue entered", extra={"event": "queue_entered", "call_id": call_ref,
                                     "queue_call_id": call_id, "accepted": entry.accepted,
                                     "position": position})
    return Entered(call_id, entry.accepted, position)


def ask_next(db, tenant_id: int, call_id: int, round_no: int, uris: dict) -> Decided:
    """The distribution's choice for this round, with each member's devices to ring."""
    from sqlalchemy import select

    from api.availability import convert
    from api.availability.models import Device
    from api.queues import calls

    from .callmessages import Target
    from .plans import to_trunk

    from api.core.clock import now

    asked_at = now()  # the distribution decides at this instant or just after
    decision = calls.ring_next(db, tenant_id, call_id)
    targets: dict[int, list[Target]] = {uid: [] for uid in decision.ring}
    if targets:
        for row in db.scalars(select(Device).where(Device.tenant_id == tenant_id,
                                                   Device.user_id.in_(list(targets)))
                              .order_by(Device.id)):
            device = convert.device(row)
            if device is None:
                continue
            uri = device.address if device.address.startswith("sip") \
                else to_trunk(uris, device.address)
            targets[row.user_id].append(Target(device.kind, uri))
    log.info("queue distribution", extra={"event": "queue_ring", "queue_call_id": call_id,
                                          "round": round_no, "ring": list(decision.ring),
                                          "reason": decision.reason,
                                          "asked_at": asked_at.isoformat()})
    return Decided(round_no, tuple(MemberTargets(uid, tuple(targets[uid]))
                                   for uid in decision.ring), decision.ring_for_s)


def write(db, tenant_id: int, op: str, call_id: int, user_id: int | None, to: str = "") -> None:
    from api.queues import calls

    if op == "answered":
        calls.member_answered(db, tenant_id, call_id, user_id)
    elif op == "no_answer":
        outcome = calls.member_no_answer(db, tenant_id, call_id, user_id)
        log.info("queue member did not answer", extra={
            "event": "queue_no_answer", "queue_call_id": call_id, "user_id": user_id,
            "outcome": outcome})
    elif op == "ended":
        calls.call_ended(db, tenant_id, call_id)
    elif op == "transferred":           # `to`: whom the member transferred the caller to
        calls.transferred(db, tenant_id, call_id, to or "transfer")
    elif op == "abandon":
        calls.abandon(db, tenant_id, call_id)
    elif op == "callback":
        calls.request_callback(db, tenant_id, call_id)
    elif op == "time_out":
        calls.time_out(db, tenant_id, call_id)
    else:
        raise ValueError(f"unknown queue write {op!r}")
