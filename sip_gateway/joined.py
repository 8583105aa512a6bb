"""The colleague a phone's attended transfer joined the caller to (on the pjsua thread).

Before the join the colleague was busy with call B (the user's consultation), which ends at
the join. From then on call A, whose caller now talks to them, keeps them busy on this
gateway, writes them a live call of their own (answered at once, the caller as the other
party: `/me/calls`, the routing preview and other gateways see them busy, and the app's
hang-up for it ends call A), and when A ends writes their call log entry: the caller,
answered, transferred by the user.

The call is then in the colleague's hands: the app's hold and transfers on their live call
act on call A as they would on a call of their own (`holder`): the live row held, free while
their transfer rings elsewhere, their devices rung again when a transfer with return comes
back, their live call over and their log entry written when their transfer completes.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from .queuecalls import count_busy
from .sides import JoinedSide, LiveRef

log = logging.getLogger("sip_gateway")


def take_over(gw, a, b, leg: int, target, by_user_id: int | None = None) -> None:
    """Call A reaches call B's far party as `leg` (B's `target`): when B rang a colleague
    (B's user), A keeps the colleague in a call from now on (`by_user_id`: who transferred
    the caller, when not A's own user)."""
    from api import gateway_port as port

    r, caller = b.route_info, a.route_info
    if r is None or r.user_id is None or r.direction != "incoming" or caller is None \
            or a.joined is not None:
        return   # B went out through the trunk (or to a queue): nobody of ours to keep busy
    side = a.joined = JoinedSide(r.tenant_id, r.user_id, by_user_id or caller.user_id,
                                 port.now(), LiveRef(), plan=r.plan)
    count_busy(gw, side.user_id, 1)   # before B ends: a new caller never finds them free
    far = a.legs.get(leg)
    sip_id = (far.sip_id if far is not None else "") or f"{a.sip_id};joined"
    live = side.live
    log.info("colleague joined", extra=a.log_extra(event="colleague_joined",
                                                   user_id=side.user_id, leg=leg))

    def answered(db) -> None:   # one write: the call never shows as ringing for them
        live.id = port.member_answered(db, side.tenant_id, side.user_id, gw.cfg.gateway_id,
                                       sip_id, caller.caller, leg, target.kind, target.uri,
                                       side.answered_at)
    gw.recorder.submit(answered, then=lambda _r: gw.post(_register, gw, a, side))


def _register(gw, a, side: JoinedSide) -> None:
    """Their live call is written: the app's commands for it reach call A while it lasts."""
    if side.live.id is not None and not a.finished and a.joined is side:
        gw.by_live_id[side.live.id] = a


def release(a) -> None:
    """Call A ended: the colleague is free, their live call over, the call in their log."""
    from api import gateway_port as port

    side, a.joined = a.joined, None
    if side is None:
        return
    gw, r, live = a.gw, a.route_info, side.live
    placed = side.direction == "outgoing"   # the caller's own side (`placed`)
    if not side.away:
        count_busy(gw, side.user_id, -1)
    if live.id is not None and gw.by_live_id.get(live.id) is a:
        del gw.by_live_id[live.id]
    gw.recorder.submit(lambda db: live.id is not None and port.call_ended(db, live.id))
    gw.recorder.submit(lambda db: port.record_call(
        db, side.tenant_id, side.user_id, direction=side.direction, status="answered",
        other_number=r.caller if side.other is None else side.other,
        started_at=a.started_at if placed else side.answered_at,
        answered_at=side.answered_at, ended_at=port.now(),
        call_id=f"{a.sip_id};placed" if placed else a.sip_id, hit=None if placed else r.hit,
        look_up=False, transferred_by_user_id=side.by_user_id))


def holder(session):
    """Who has the call in hand, and their live row: the colleague an attended transfer
    joined the caller to, else the call's own user."""
    side, r = session.joined, session.route_info
    if side is not None:
        return side.user_id, side.live
    return (r.user_id if r is not None else None), session.live


def route_of(session):
    """The call's route as its pushes see it: addressed to the colleague once joined."""
    side, r = session.joined, session.route_info
    return replace(r, user_id=side.user_id) if side is not None and r is not None else r


def plan_of(session):
    """The plan a transfer with return comes back to: the colleague's own once joined."""
    side, r = session.joined, session.route_info
    return side.plan if side is not None else (r.plan if r is not None else None)


def step_away(session, away: bool) -> bool:
    """The colleague's transfer rings elsewhere (`away`: free of the call), or the call came
    back to them (busy again). False when nobody is joined (the user's own count applies)."""
    side = session.joined
    if side is None:
        return False
    if side.away != away:
        side.away = away
        count_busy(session.gw, side.user_id, -1 if away else 1)
    return True
