"""Both ends of a transfer leg this gateway dials to itself, and the transferring user's side.

The transferring call remembers its target leg's Call-ID (`remember`); when that INVITE
arrives back here as the colleague's incoming call (`arriving`), it says who transferred it
and, for a transfer with return, rings the colleague's own devices only (`plans.
with_return_plan`: never their voicemail or forwarding; a plan that would not ring them sends
the call back at once with the reason). The transferring user is free the moment their leg
is gone (`user_free`), and rung again, with a new who's-calling push, when the call comes
back (`comes_back`).
"""
from __future__ import annotations

import logging
from dataclasses import replace

from . import joined
from .core import plans

log = logging.getLogger("sip_gateway")
MARKS = 10_000        # transfer legs remembered for the colleague's incoming call


def remember(session) -> None:
    """The target leg just dialled: if it comes back to this gateway, say who transferred
    and how."""
    t, order = session.cc.transfer.control, session.transfer.order
    leg = session.legs.get(t.target_leg) if t is not None else None
    if leg is None or not order or not leg.sip_id:
        return
    session.transfer.leg_sip_id = leg.sip_id
    marks = session.gw.transferred_by  # the call thread's own: no other thread touches it
    marks[leg.sip_id] = {"by": {"user_id": order["user_id"], "name": order["user_name"]},
                         "method": order["method"], "timeout": order["timeout_s"]}
    while len(marks) > MARKS:
        marks.popitem(last=False)


def target_sip_id(session) -> str | None:
    return session.transfer.leg_sip_id


def arriving(gw, sip_id: str, route):
    """A routed incoming call (its Call-ID): (its route, a status to refuse it with or None).
    A call a colleague transferred here names them; with return, only the devices ring."""
    mark = gw.transferred_by.pop(sip_id, None)
    if mark is None or route.plan is None or route.status != 200:
        return route, None
    route = replace(route, context={**(route.context or {}), "transferred_by": mark["by"]})
    # a queue answers the call into its own handling (the transfer completes there), where
    # the caller goes before new callers (`queuecalls.returned`)
    if mark["method"] != "with_return" or route.direction == "queue":
        return route, None
    plan = plans.with_return_plan(route.plan, mark["timeout"])
    if isinstance(plan, int):
        log.info("transfer target not rung", extra=dict(
            call_id=sip_id, event="transfer_not_rung", user_id=route.user_id, status=plan,
            rule=(route.reason or {}).get("rule"),
            profile=(route.reason or {}).get("profile")))
        return route, plan
    return replace(route, plan=plan), None


def user_free(session) -> None:
    """The user's leg is gone while the target rings: not busy for routing, not in a call
    for colleagues (the live call is `transferring`)."""
    from api.gateway_port import call_transferring

    if not joined.step_away(session, True):
        session.release_user()
    live = joined.holder(session)[1]
    session.gw.recorder.submit(lambda db: live.id and call_transferring(db, live.id, True))


def comes_back(session, reason: str) -> None:
    """The call rings the user again: busy with it again, in their calls as ringing, and a
    new who's-calling push (its own push call id, so the first push's end does not stop it)
    whose context says it came back, from whom and why."""
    from api.gateway_port import call_transferring

    order, r = session.transfer.order or {}, session.route_info
    if not joined.step_away(session, False):   # a colleague joined is busy with it again
        busy_again(session)
    live = joined.holder(session)[1]
    session.gw.recorder.submit(lambda db: live.id and call_transferring(db, live.id, False))
    session.push_round += 1
    if r is not None:
        back = {"transfer_id": order.get("id"), "reason": reason,
                "target": order.get("target_name") or order.get("target_number")}
        session.route_info = replace(r, context={**(r.context or {}), "returned": back})


def busy_again(session) -> None:
    """The call rings its user again: busy with it again (`release_user` undoes it)."""
    r = session.route_info
    if not session.counted and r is not None and r.user_id is not None:
        session.counted = True
        session.gw.busy[r.user_id] = session.gw.busy.get(r.user_id, 0) + 1
