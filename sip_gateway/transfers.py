"""The gateway's side of transfers (on the pjsua thread, like the session).

A `transfer` command from the API becomes `StartTransfer` once its order is read from the
database (on the recorder thread); `transfer_complete` / `transfer_cancel` are fed at once.
Transfer control's own actions (hold, connect two legs, state writes, the "came back" push)
are performed here; everything else goes through the session as for any call.
"""
from __future__ import annotations

import logging

from i18n import N_

from . import joined, placed, queuerouting, transferleg, turnaround
from .core import plans
from .core.callmessages import RingStep, Target
from .core.transfercontrol import (CancelTransfer, CompleteTransfer, Connect, HoldCaller, Settled,
                              StartTransfer, TransferState)

log = logging.getLogger("sip_gateway")
BLIND_TIMEOUT = 120   # a blind transfer follows the target's own plan: give it time


def target_for(order: dict, uris: dict) -> Target:
    """Colleagues and queues with a number through this gateway again (their own plan and
    queue handling apply), other queues at the queue service, main and external numbers
    through the trunk."""
    kind, number = order["target_kind"], order["target_number"]
    if kind == "queue":
        uri = queuerouting.queue_uri(order["target_id"], number, uris)
    elif kind == "colleague":
        uri = plans.trunk_target(uris["self"], number)
    else:
        uri = plans.to_trunk(uris, number)
    # an external number sees what the company's policy shows (None: the caller's own)
    return Target("transfer", uri, from_number=order.get("display_number"))


def back_steps(plan) -> tuple:
    """What a call that comes back does: the user's devices ring again, then the rest of the
    user's plan (the no-answer rule)."""
    steps = tuple(plan.steps) if plan is not None else ()
    first = next((i for i, s in enumerate(steps) if isinstance(s, RingStep) and s.devices),
                 None)
    return () if first is None else steps[first:]


def uris(cfg) -> dict:
    return cfg.uris()


def read_order(db, command_id: int, kind: str) -> dict | None:
    """On the command thread, right after the claim: a transfer's order (it travels with the
    command to the call thread, saving a round trip through the recorder's queue), with the
    user's own devices (`devices`: what rings when a call their phone placed comes back)."""
    from api.gateway_port import order_for_command, own_devices

    order = order_for_command(db, command_id) if kind == "transfer" else None
    if order is not None:
        order["devices"] = own_devices(db, order["tenant_id"], order["user_id"])
    return order


def command(gw, session, command_id: int, kind: str, order: dict | None = None) -> None:
    """On the call thread: a transfer command for `session` (`order` when already read)."""
    if kind == "transfer_complete":
        return session.feed(CompleteTransfer(command_id))
    if kind == "transfer_cancel":
        return session.feed(CancelTransfer(command_id))
    if order is not None:
        return _start(gw, session, command_id, order)
    gw.recorder.submit(read_order, command_id, kind,
                       then=lambda order: gw.post(_start, gw, session, command_id, order))


def _start(gw, session, command_id: int, order: dict | None) -> None:
    from api.gateway_port import finish_command

    why = begin(gw, session, command_id, order)
    if why:
        gw.recorder.submit(finish_command, command_id, "failed", why)


def begin(gw, session, command_id: int | None, order: dict | None) -> str | None:
    """Hand the call to transfer control for `order` (the app's command `command_id`, or
    None for a transfer the user's phone asked for); why not, when it cannot be."""
    r = session.route_info
    if order is None:
        return N_("no such transfer")
    if session.finished:
        return N_("call ended")
    if r is None or r.direction not in ("incoming", "queue", "outgoing"):
        return N_("refused: no transfer possible now")
    back = back_steps(joined.plan_of(session))
    if turnaround.phone_is_caller(session) or placed.takes_transfer(session, order):
        # the user's phone placed it: the called party moves
        back = turnaround.turn(session, order.get("devices"), uris(gw.cfg))
    session.transfer.order = order
    timeout = BLIND_TIMEOUT if order["method"] == "blind" else order["timeout_s"]
    log.info("transfer", extra=session.log_extra(event="transfer", transfer_id=order["id"],
                                              method=order["method"],
                                              target=order["target_kind"]))
    session.feed(StartTransfer(command_id, order["id"], order["method"],
                               target_for(order, uris(gw.cfg)), timeout,
                               back=back))
    return None


def hold(session, a: HoldCaller) -> None:
    """The caller is held while the user consults or the target rings: no audio, music."""
    audio(session, session.caller, session.legs.get(a.leg), on=False)
    hold_tone(session, on=True)


def connect(session, a: Connect) -> None:
    session.transfer.connect = (a.a, a.b)
    media_ready(session)


def settled(session, a: Settled) -> None:
    if a.outcome in ("failed", "caller_gone"):
        hold_tone(session, on=False)
    log.info("transfer settled", extra=session.log_extra(
        event="transfer_settled", outcome=a.outcome, reason=a.reason))


def hold_tone(session, *, on: bool) -> None:
    """The held caller hears the hold music until bridged again (to the target, back to the
    user, or to the user's devices after a transfer came back); the log says when."""
    side = session.transfer
    if on and not side.hold_tone:
        side.hold_tone = session.start_loop("hold")
        log.info("hold tone", extra=session.log_extra(
            event="hold_tone", state="started" if side.hold_tone else "no_media"))
    elif not on and side.hold_tone:
        side.hold_tone = False
        session.stop_loop()
        log.info("hold tone", extra=session.log_extra(event="hold_tone", state="stopped"))


def media_ready(session) -> None:
    """Connect the user and the target (attended) once both have media."""
    pair = session.transfer.connect
    if pair and audio(session, session.legs.get(pair[0]), session.legs.get(pair[1]), on=True):
        session.transfer.connect = None


def audio(session, one, two, *, on: bool) -> bool:
    gw = session.gw
    if not (gw.alive(one) and gw.alive(two) and one.media_on and two.media_on):
        return False
    if on:
        session.links.connect(one, two)
    else:
        session.links.disconnect(one, two)
    return True


def state(session, a: TransferState) -> None:
    from api.gateway_port import call_ended
    from api.gateway_port import transfer_progress

    gw, live = session.gw, session.live
    log.info("transfer state", extra=session.log_extra(
        event="transfer_state", transfer_id=a.transfer_id, state=a.state, reason=a.reason))
    gw.recorder.submit(transfer_progress, a.transfer_id, a.state, a.reason)
    if a.state == "ringing":
        transferleg.remember(session)
        control = session.cc.transfer.control
        if control is not None and not control.user_present:
            transferleg.user_free(session)   # the user's leg is gone: free at once
    if a.state == "returned":
        transferleg.comes_back(session, a.reason)
    if a.state == "completed":
        # the call has left the user: not busy with it, not in their calls, not theirs to command
        # the user whose phone called a colleague handed the colleague on: the colleague's
        # own call goes on
        goes_on = session.joined is not None and session.joined.direction == "outgoing"
        joined.release(session)   # a colleague joined handed it on: their part is over
        # whoever stays in the call sees where it went: the colleague the user's phone called,
        # or the user whose phone called the colleague who moved them on
        number = (session.transfer.order or {}).get("target_number")
        if goes_on:
            return placed.moved(session, live, number)
        if session.placed is not None:
            placed.moved(session, session.placed.live, number)
        session.release_user()
        if live.id is not None:
            gw.by_live_id.pop(live.id, None)
            gw.recorder.submit(call_ended, live.id)


def returned_push(session, reason: str) -> None:
    """The user learns why the call came back: a colleague's availability when it explains it
    (read on the recorder thread), else what happened to the target leg."""
    from api.gateway_port import returned_why

    r, order = session.route_info, session.transfer.order or {}
    log.info("transfer returned", extra=session.log_extra(event="transfer_returned",
                                                       reason=reason))
    # a queue call comes back to the member who answered it, a joined call to the colleague
    user_id = joined.holder(session)[0] if r is not None and r.user_id is not None \
        else session.queue_member.user_id
    if r is None or user_id is None:
        return
    target = order.get("target_name") or order.get("target_number") or ""

    def send(why: str | None) -> None:
        session.gw.notifier.transfer_returned(r.tenant_id, user_id, session.sip_id, target,
                                              why=why, why_reason=reason,
                                              caller_number=r.caller, hit=r.hit)
    leg = transferleg.target_sip_id(session)
    session.gw.recorder.submit(returned_why, {**order, "leg_sip_id": leg}, reason, then=send)
