"""A call the user's own phone placed to a colleague through this gateway: the caller's side
(on the pjsua thread).

The call is routed as the colleague's incoming call (their live row, their log entry). The
user whose phone placed it gets a live call of their own as well (outgoing, the colleague's
number as the other party: `/me/calls`, the routing preview and other gateways see them busy)
and an outgoing entry in their call log when it ends. From their app they transfer it like
any call they placed: the call is turned around (`turnaround.turn`), the colleague is the
party moved to the target, and the user's side holds the call (`joined.holder`) as the
colleague a phone's attended transfer joins does, until the transfer completes (their part
is over, the colleague's call goes on) or the call ends.
"""
from __future__ import annotations

from .queuecalls import count_busy
from .sides import JoinedSide, LiveRef


def begin(session) -> None:
    """The call rings the colleague (its first state write): the caller's own live row."""
    from api import gateway_port as port

    r, gw = session.route_info, session.gw
    if r is None or r.direction != "incoming" or r.from_user_id in (None, r.user_id) \
            or session.placed is not None:
        return
    side = session.placed = JoinedSide(r.tenant_id, r.from_user_id, None, None, LiveRef(),
                                       direction="outgoing", other=r.called)
    count_busy(gw, side.user_id, 1)
    live, sip_id = side.live, f"{session.sip_id};placed"

    def start(db) -> None:
        live.id = port.placed_started(db, side.tenant_id, side.user_id, gw.cfg.gateway_id,
                                      sip_id, side.other)
    gw.recorder.submit(start, then=lambda _r: gw.post(_register, gw, session, side))


def _register(gw, session, side: JoinedSide) -> None:
    """The caller's live call is written: their app's commands for it reach this call."""
    if side.live.id is not None and not session.finished \
            and side in (session.placed, session.joined):
        gw.by_live_id[side.live.id] = session


def answered(session) -> None:
    """The colleague answered: the caller's live call is answered too."""
    from api import gateway_port as port

    side = session.placed
    if side is None or side.answered_at is not None:
        return
    side.answered_at = at = port.now()
    live = side.live
    session.gw.recorder.submit(lambda db: live.id and port.call_answered(db, live.id, None,
                                                                         "", "", at))


def phone_placed(session) -> bool:
    """The session's caller is a user's own phone that placed the call (out through the
    trunk, or to a colleague), still the caller: its REFER is that user's transfer."""
    from .turnaround import phone_is_caller

    return phone_is_caller(session) or (session.placed is not None
                                        and not session.transfer.turned)


def user_of(session) -> int | None:
    """The user whose phone placed the call (`phone_placed`)."""
    if session.placed is not None:
        return session.placed.user_id
    return session.route_info.user_id if session.route_info is not None else None


def live_of(session):
    """The live row of the user whose phone placed the call (`phone_placed`)."""
    return session.placed.live if session.placed is not None else session.live


def moved(session, live, number: str | None) -> None:
    """The party the user with live row `live` talked to was moved on by a transfer:
    their live call shows `number`, the party they talk to now."""
    from api import gateway_port as port

    if live is not None and number:
        session.gw.recorder.submit(lambda db: live.id is not None and port.call_moved(
            db, live.id, number))


def takes_transfer(session, order: dict) -> bool:
    """The caller's app transfers the call: the colleague is the party moved, the caller's
    side has the call in hand from now on (`joined.holder`)."""
    side = session.placed
    if side is None or order.get("user_id") != side.user_id or session.joined is not None \
            or session.cc.state.value != "bridged":
        return False
    session.placed, session.joined = None, side
    return True


def release(session, status: str | None = None) -> None:
    """The call ended before the caller handed it on, or their phone handed it on itself
    (`status`: their entry's, answered): free, live call over, logged."""
    from api import gateway_port as port

    side, session.placed = session.placed, None
    if side is None:
        return
    gw = session.gw
    count_busy(gw, side.user_id, -1)
    live = side.live
    if live.id is not None and gw.by_live_id.get(live.id) is session:
        del gw.by_live_id[live.id]
    status = status or session.log_status or "missed"
    gw.recorder.submit(lambda db: live.id is not None and port.call_ended(db, live.id))
    gw.recorder.submit(lambda db: live.id is not None and port.record_call(
        db, side.tenant_id, side.user_id, direction="outgoing", status=status,
        other_number=side.other, started_at=session.started_at, answered_at=side.answered_at,
        ended_at=port.now(), call_id=f"{session.sip_id};placed", hit=None, look_up=False))
