"""The gateway's side of a call the user places from the app (on the pjsua thread).

A `call` command carries its order, resolved and checked by the API (the device to ring,
the destination in E.164, the display number, the who's-calling hit of the destination);
`start()` makes a session whose machine is `core.callthrough.CallThrough` and whose caller
leg is the destination, dialled once the user's device answers. Everything else (dial,
bridge, hang up, the live row, the call log, transfers) is the session's as for any call.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from .core import plans
from .core.callmessages import CallPlan, CallerHungUp, Dial, RingStep, Target
from . import dialling
from .ringback import Ringback
from .core.callthrough import (CallThrough, DestinationAnswered, DestinationFailed, DialOther,
                               Outcome, StartCallThrough)
from .session import CallSession

log = logging.getLogger("sip_gateway")


@dataclass(frozen=True)
class _Msg:
    """What a session reads of the INVITE that started a call; a call-through has none."""

    call_id: str
    to_user: str = ""
    from_user: str = ""
    headers: dict = field(default_factory=dict)


def read_order(db, command_id: int, kind: str) -> dict | None:
    """On the command thread, right after the claim: a call-through's order."""
    from api.gateway_port import call_order

    return call_order(db, command_id) if kind == "call" else None


def targets(order: dict, uris: dict) -> tuple[Target, Target]:
    """(the user's device, the destination): a mobile through the trunk, a SIP device at its
    address; a number some company owns through this gateway again (its owner's plan, a
    queue's handling apply), any other number through the trunk in the trunk's format."""
    device = order["device"]
    address = device["address"]
    uri = address if address.startswith("sip") else plans.to_trunk(uris, address)
    number = order["number"]
    via_self = order.get("via") == "self"
    dest = plans.trunk_target(uris["self"], number) if via_self else plans.to_trunk(uris, number)
    return (Target(device["kind"], uri, from_number=number),
            Target("outgoing", dest, from_number=order.get("display_number")))


class CallThroughSession(CallSession):
    # placed from the app: the destination is the other party (the session's caller), whom
    # the user may transfer and who hears the hold music
    from_app = True

    def __init__(self, gw, command_id: int, order: dict) -> None:
        from .store import Route

        super().__init__(gw, None, _Msg(f"app-{uuid.uuid4().hex}"), CallThrough())
        self.command_id = command_id
        self.ringback = Ringback()   # what the device hears while the destination rings
        self.waking = False          # the app device is being woken by push (until it answers)
        self.device, self.destination = targets(order, gw.cfg.uris())
        self.route_info = Route(
            plan=CallPlan((RingStep((self.device,), int(gw.cfg.call_through_ring_s)),),
                          push=False),
            direction="outgoing", tenant_id=order["tenant_id"], user_id=order["user_id"],
            called=order["number"], caller=order.get("display_number"), hit=order.get("hit"),
            reason={"display_number": order.get("display_number"), "placed_from": "app",
                    "device": order["device"]["kind"]})

    def begin(self) -> None:
        r = self.route_info
        log.info("call-through", extra=self.log_extra(
            event="call_through", user_id=r.user_id, device=self.device.kind,
            device_uri=self.device.uri, destination=self.destination.uri,
            display_number=r.caller, command_id=self.command_id))
        self.gw.busy[r.user_id] = self.gw.busy.get(r.user_id, 0) + 1
        self.counted = True
        if self.device.kind == "app":
            self._wake()
        self.feed(StartCallThrough(self.command_id, self.device, self.destination,
                                   self.gw.cfg.call_through_ring_s,
                                   float(plans.CONNECT_TIMEOUT)))

    def live_written(self, live_id: int) -> None:
        """The live row exists: the command names the call from now on (the app follows it)."""
        from api.gateway_port import command_call

        self.gw.recorder.submit(command_call, self.command_id, live_id)

    def _wake(self) -> None:
        """The app may be asleep: its push wakes it (the device shows whom it connects to),
        the edge holds the INVITE until it registers, as for an incoming call."""
        r = self.route_info
        self.waking = True
        log.info("push", extra=self.log_extra(event="push", kind="incoming",
                                              reason="call_through"))
        self.gw.notifier.incoming_call(
            r.tenant_id, r.user_id, self.sip_id, r.called, hit=r.hit,
            ring_timeout=float(self.gw.cfg.call_through_ring_s), ringing=("app",))

    def _woken(self) -> None:
        """The app answered, refused or was given up on: its ringing push is over."""
        from .core.callthrough import DEVICE, STARTING

        state = self.cc.current
        if not self.waking or state in (STARTING, DEVICE):
            return
        self.waking = False
        r = self.route_info
        reason = "ended" if state is self.cc.final else "answered"
        self.gw.notifier.call_ended(r.tenant_id, r.user_id, self.sip_id, reason=reason,
                                    ringing=("app",))

    def feed(self, event) -> None:
        nested = self.feeding
        super().feed(event)
        if not nested:
            self.ringback.update(self)
            self._woken()

    def media_ready(self, call) -> None:
        super().media_ready(call)
        self.ringback.update(self)   # the device's media, or the destination's early media

    def leg_event(self, call, kind: str, status: int) -> None:
        if call.leg is not None:   # the user's device
            return super().leg_event(call, kind, status)
        if kind == "answered":
            self.feed(DestinationAnswered())
        elif kind == "gone":
            self.feed(CallerHungUp() if call.confirmed else DestinationFailed(status or 500))


def _dial_other(session: CallThroughSession, a: DialOther) -> None:
    """The destination becomes the session's caller leg."""
    gw = session.gw
    log.info("dialling", extra=session.log_extra(event="dial", leg=0, kind=a.target.kind,
                                                 uri=a.target.uri))
    headers = dialling.headers(session, Dial(0, a.target))
    session.caller = gw.dial(session, None, a.target.uri, headers, a.target.from_number)


def _outcome(session: CallThroughSession, a: Outcome) -> None:
    from api.gateway_port import call_placed

    log.info("call-through outcome", extra=session.log_extra(
        event="call_through_outcome", result=a.result, command_id=a.command_id))
    session.gw.recorder.submit(call_placed, a.command_id, a.ok, a.result)


def actions() -> dict:
    return {DialOther: _dial_other, Outcome: _outcome}


def start(gw, command_id: int, order: dict | None) -> None:
    """On the call thread: a `call` command (`order` read at the claim, None when it could
    not be read: the command fails, the app may try again)."""
    from api.gateway_port import finish_command

    if order is None:
        gw.recorder.submit(finish_command, command_id, "failed", "failed")
        return
    session = CallThroughSession(gw, command_id, order)
    gw.sessions[session.sip_id] = session
    session.begin()
