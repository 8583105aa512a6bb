"""A call the user places from the app (call-through), as a pure state machine.

The gateway first rings the device the user chose (leg 1: a softphone, a desk phone, or
their mobile through the trunk); when it answers, it dials the destination presenting the
display number the user may show and bridges the two. In the session the destination plays
the part the caller plays in an incoming call (`DialOther` makes it the session's caller
leg), so once bridged the call is like any other: hung up, held or transferred from the app, and
written as an outgoing call.

The command that started it ends `done` ("bridged") or `failed` with a reason the app shows
(`OUTCOMES`); a user who ends it while it sets up gets `cancelled`.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from . import callhold, handover
from .callhold import Hold
from .callmessages import (Bridge, CallerHungUp, CancelLeg, CommandDone, Dial, HangupCaller,
                           HangupCommand, LegAnswered, LegFailed, LegHungUp, LegProgress,
                           LogCall, Target, TimerFired, WriteState)
from .handover import Handover
from .machine import LegMachine, go
from .transfercontrol import Settled

# why a call-through ended without a conversation, as the command's result
OUTCOMES = ("bridged", "device_no_answer", "device_busy", "device_unreachable",
            "destination_busy", "destination_no_answer", "destination_unreachable",
            "cancelled", "failed")


class State(enum.Enum):
    STARTING = "starting"
    DEVICE = "device"              # the user's device rings
    DESTINATION = "destination"    # the device answered, the destination rings
    BRIDGED = "bridged"
    TRANSFERRING = "transferring"
    RECONNECTING = "reconnecting"  # a transfer came back: the device rings again
    ENDED = "ended"


STARTING, DEVICE, DESTINATION, BRIDGED, TRANSFERRING, RECONNECTING, ENDED = State
DEVICE_LEG = 1


# -- its inputs and actions -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StartCallThrough:
    command_id: int
    device: Target          # rung first
    destination: Target     # dialled once the device answers (`from_number`: shown)
    device_ring_s: float = 30.0
    destination_ring_s: float = 60.0


@dataclass(frozen=True, slots=True)
class DestinationAnswered:
    pass


@dataclass(frozen=True, slots=True)
class DestinationFailed:
    status: int             # the destination's final answer (486 busy, 480, 404, ...)


@dataclass(frozen=True, slots=True)
class DialOther:
    target: Target          # the destination: it becomes the session's caller leg


@dataclass(frozen=True, slots=True)
class Outcome:
    command_id: int
    ok: bool
    result: str             # one of OUTCOMES


def destination_outcome(status: int) -> str:
    if status in (486, 600):
        return "destination_busy"
    if status in (408, 480, 487):
        return "destination_no_answer"
    return "destination_unreachable"


def device_outcome(status: int) -> str:
    if status in (486, 600, 603):
        return "device_busy"
    if status in (408, 480, 487):
        return "device_no_answer"
    return "device_unreachable"


@dataclass
class _Leg:
    target: Target
    status: str = "dialled"   # dialled, ringing, answered, gone


@dataclass
class CallThrough(LegMachine):
    """One call-through. `handle(event)` returns the actions to perform, in order."""

    state: State = STARTING
    legs: dict[int, _Leg] = field(default_factory=dict)
    timers: set[str] = field(default_factory=set)
    winner: int | None = None
    command_id: int = 0
    start: StartCallThrough | None = None
    reported: bool = False
    _out: list = field(default_factory=list)

    final = ENDED

    def __post_init__(self) -> None:
        self.transfer = Handover(self, TRANSFERRING)
        self.hold = Hold(self)

    # -- helpers ------------------------------------------------------------------------
    def _report(self, ok: bool, result: str) -> None:
        if not self.reported:
            self.reported = True
            self.do(Outcome(self.command_id, ok, result))

    def _end(self, log: str | None, result: str | None = None) -> State:
        self.stop_timers()
        if result is not None:
            self._report(False, result)
        self.do(WriteState("ended"))
        if log:
            self.do(LogCall(log))
        return ENDED

    def _drop_device(self) -> None:
        for n, leg in self.legs.items():
            if leg.status in ("dialled", "ringing", "answered"):
                leg.status = "gone"
                self.do(CancelLeg(n))

    def _ring_device(self) -> None:
        n = len(self.legs) + 1
        self.legs[n] = _Leg(self.start.device)
        self.do(Dial(n, self.start.device))
        self.start_timer(f"device:{n}", self.start.device_ring_s)

    def fail(self, reason: str) -> State:
        self._drop_device()
        if self.state in (DESTINATION, BRIDGED):
            self.do(HangupCaller())
        talking = self.state in (DESTINATION, BRIDGED, TRANSFERRING, RECONNECTING)
        return self._end("failed" if talking else None, "failed")

    # -- setting up ---------------------------------------------------------------------
    def on_start(self, ev: StartCallThrough) -> None:
        self.start, self.command_id = ev, ev.command_id
        self.do(WriteState("ringing"))
        self._ring_device()

    def on_device_progress(self, ev: LegProgress) -> None:
        leg = self.legs.get(ev.leg)
        if leg is not None and leg.status == "dialled":
            leg.status = "ringing"

    def on_device_answered(self, ev: LegAnswered) -> State:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.status not in ("dialled", "ringing"):
            return self.fail(f"answer from leg {ev.leg} that is not ringing")
        leg.status, self.winner = "answered", ev.leg
        self.stop_timers()
        self.do(DialOther(self.start.destination))
        self.start_timer("destination", self.start.destination_ring_s)
        return DESTINATION

    def on_device_failed(self, ev: LegFailed) -> State:
        if ev.leg not in self.legs:
            return self.fail(f"failure of unknown leg {ev.leg}")
        self.legs[ev.leg].status = "gone"
        return self._end(None, device_outcome(ev.status))

    def on_device_timer(self, ev: TimerFired) -> State:
        if ev.name not in self.timers:
            return self.state
        self.timers.discard(ev.name)
        self._drop_device()
        return self._end(None, "device_no_answer")

    def on_destination_answered(self, _ev: DestinationAnswered) -> None:
        self.stop_timers()
        self.do(Bridge(self.winner), WriteState("answered", self.winner))
        self._report(True, "bridged")

    def on_destination_failed(self, ev: DestinationFailed) -> State:
        self._drop_device()
        result = destination_outcome(ev.status)
        return self._end("busy" if result == "destination_busy" else "failed", result)

    def on_destination_timer(self, ev: TimerFired) -> State:
        if ev.name not in self.timers:
            return self.state
        self.timers.discard(ev.name)
        self._drop_device()
        self.do(HangupCaller())
        return self._end("missed", "destination_no_answer")

    def on_device_gone_setting_up(self, ev) -> State:
        """The user put the device down before the destination answered."""
        if ev.leg != self.winner:
            return self.fail(f"leg {ev.leg} ended but leg {self.winner} is the device")
        self._drop_device()
        self.do(HangupCaller())
        return self._end("missed", "cancelled")

    def cancel(self, ev: HangupCommand) -> State:
        """The user ends the call from the app before it is bridged."""
        self._drop_device()
        if self.state is DESTINATION:
            self.do(HangupCaller())
        self.do(CommandDone(ev.command_id, "done"))
        return self._end("missed" if self.state is DESTINATION else None, "cancelled")

    # -- bridged ------------------------------------------------------------------------
    def on_device_gone_bridged(self, ev) -> State:
        if ev.leg != self.winner:
            return self.state if self.legs.get(ev.leg) else self.fail("unknown leg")
        self.legs[ev.leg].status = "gone"
        self.do(HangupCaller())
        return self._end("answered")

    def on_destination_gone_bridged(self, _ev) -> State:
        self._drop_device()
        return self._end("answered")

    def hang_up(self, ev: HangupCommand) -> State:
        """The user hangs up from the app (also while a transfer runs)."""
        self._drop_device()
        self.do(HangupCaller(), CommandDone(ev.command_id, "done"))
        return self._end("answered")

    # -- a transfer by the user (`handover` runs it) ------------------------------------
    def transfer_leg(self, target: Target) -> _Leg:
        return _Leg(target, "dialled")

    def transfer_settled(self, s: Settled, _back: tuple) -> State:
        if s.outcome in ("completed", "reconnected"):
            self.winner = s.leg
            if s.outcome == "completed":
                self.do(WriteState("answered", s.leg))
            return BRIDGED
        if s.outcome == "returned":   # the user's device rings again
            self._ring_device()
            return RECONNECTING
        self._drop_device()
        if s.outcome == "failed":
            self.do(HangupCaller())
        return self._end("answered")

    def on_reconnected(self, ev: LegAnswered) -> State:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.status not in ("dialled", "ringing"):
            return self.fail(f"answer from leg {ev.leg} that is not ringing")
        leg.status, self.winner = "answered", ev.leg
        self.stop_timers()
        self.do(Bridge(ev.leg), WriteState("answered", ev.leg))
        return BRIDGED

    def on_reconnect_lost(self, ev) -> State:
        if isinstance(ev, TimerFired) and ev.name not in self.timers:
            return self.state
        if isinstance(ev, LegFailed) and ev.leg not in self.legs:
            return self.fail(f"failure of unknown leg {ev.leg}")
        self._drop_device()
        if not isinstance(ev, CallerHungUp):
            self.do(HangupCaller())
        return self._end("answered")


TABLE = {
    (STARTING, StartCallThrough): go("on_start", DEVICE),
    (DEVICE, LegProgress): go("on_device_progress", DEVICE),
    (DEVICE, LegAnswered): go("on_device_answered", DESTINATION, ENDED),
    (DEVICE, LegFailed): go("on_device_failed", ENDED),
    (DEVICE, TimerFired): go("on_device_timer", DEVICE, ENDED),
    (DEVICE, HangupCommand): go("cancel", ENDED),
    (DESTINATION, DestinationAnswered): go("on_destination_answered", BRIDGED),
    (DESTINATION, DestinationFailed): go("on_destination_failed", ENDED),
    (DESTINATION, TimerFired): go("on_destination_timer", DESTINATION, ENDED),
    (DESTINATION, LegHungUp): go("on_device_gone_setting_up", ENDED),
    (DESTINATION, LegFailed): go("on_device_gone_setting_up", ENDED),
    (DESTINATION, HangupCommand): go("cancel", ENDED),
    (BRIDGED, LegHungUp): go("on_device_gone_bridged", BRIDGED, ENDED),
    (BRIDGED, LegFailed): go("on_device_gone_bridged", BRIDGED, ENDED),
    (BRIDGED, CallerHungUp): go("on_destination_gone_bridged", ENDED),
    (BRIDGED, HangupCommand): go("hang_up", ENDED),
    (RECONNECTING, LegProgress): go("on_device_progress", RECONNECTING),
    (RECONNECTING, LegAnswered): go("on_reconnected", BRIDGED, ENDED),
    (RECONNECTING, LegFailed): go("on_reconnect_lost", ENDED),
    (RECONNECTING, TimerFired): go("on_reconnect_lost", RECONNECTING, ENDED),
    (RECONNECTING, CallerHungUp): go("on_reconnect_lost", ENDED),
    (RECONNECTING, HangupCommand): go("hang_up", ENDED),
    # a bridged call-through is transferred like any call; it settles bridged, ringing the
    # user's device again, or ended
    **handover.rows(BRIDGED, TRANSFERRING, others=(STARTING, DEVICE, DESTINATION, RECONNECTING),
                    after=(BRIDGED, RECONNECTING, ENDED), hung_up=(ENDED,)),
    # held and taken back from the app once connected: the destination hears the music
    **callhold.rows(BRIDGED, others=(STARTING, DEVICE, DESTINATION, TRANSFERRING,
                                     RECONNECTING)),
}
CallThrough.table = TABLE
