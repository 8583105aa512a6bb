"""Call control for one call through the gateway: a pure, sans-IO state machine.

Inputs (SIP events as the adapter saw them, timers that fired, commands from the API) go in
through `CallControl.handle(event)`; actions come out as a list for the adapter to perform in
order (push, dial, cancel, answer, bridge, play, hang up, write state, start a timer). The
machine never reads a clock and never touches a socket: timers are data (`StartTimer`), the
adapter fires them back as `TimerFired`.

Every (state, input) pair the machine accepts is in `TRANSITIONS`; any other pair is an error
that ends the call cleanly (legs cancelled, caller rejected or hung up, `Failed` reported).
Inputs to a call that has ended are ignored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .callmessages import (  # noqa: F401 (re-exported: the machine's vocabulary)
    Target, Announce, RingStep, PlayMessage, Reject, CallPlan, Routed, RouteFailed,
    LegProgress, LegAnswered, LegFailed, LegHungUp, CallerHungUp, TimerFired, PlaybackDone,
    HangupCommand, Push, Dial, CancelLeg, RingCaller, AnswerCaller, Bridge, Play, StopPlay,
    RejectCaller, HangupCaller, StartTimer, CancelTimer, WriteState, LogCall, CommandDone,
    Failed)
from .transferside import TRANSFER_TRANSITIONS, TRANSFERRING, TransferMixin
from .machine import LegMachine
from .turns import TurnsMixin

ROUTING, ANNOUNCING, RINGING, BRIDGED, PLAYING, ENDED = (
    "routing", "announcing", "ringing", "bridged", "playing", "ended")
STATES = (ROUTING, ANNOUNCING, RINGING, BRIDGED, PLAYING, ENDED, TRANSFERRING)


@dataclass
class _Leg:
    target: Target
    status: str = "waiting"   # waiting (delayed), dialled, ringing, answered, gone


@dataclass
class CallControl(LegMachine, TurnsMixin, TransferMixin):
    """One call. `handle(event)` returns the actions to perform, in order."""

    state: str = ROUTING
    steps: list = field(default_factory=list)
    legs: dict[int, _Leg] = field(default_factory=dict)
    timers: set[str] = field(default_factory=set)
    winner: int | None = None
    device_answered: bool = False
    pushed: bool = False
    push_wanted: bool = True
    ringing_sent: bool = False
    answered: bool = False
    step_no: int = 0
    _device_step: bool = False
    _out: list = field(default_factory=list)

    def _live_legs(self) -> list[int]:
        return [n for n, leg in self.legs.items() if leg.status in ("dialled", "ringing",
                                                                     "answered")]

    def _drop_legs(self, keep: int | None = None) -> None:
        for n in self._live_legs():
            if n != keep:
                self.legs[n].status = "gone"
                self._do(CancelLeg(n))
        for leg in self.legs.values():
            if leg.status == "waiting":
                leg.status = "gone"

    def _end(self, log: str | None) -> None:
        self._stop_timers()
        self.state = ENDED
        self._do(WriteState("ended"))
        if log:
            self._do(LogCall(log))

    def _stop_ringing_push(self, reason: str) -> None:
        if self.pushed:
            self._do(Push("ended", reason))
            self.pushed = False

    def _fail(self, reason: str) -> None:
        self._do(Failed(reason))
        self._drop_legs()
        self._stop_ringing_push("ended")
        self._do(HangupCaller() if self.answered else RejectCaller(500))
        self._end("failed")

    def _missed(self) -> str:
        return "answered" if self.device_answered else "missed"

    # -- the plan -----------------------------------------------------------------------
    def _next_step(self) -> None:
        if not self.steps:
            self._stop_ringing_push("ended")
            if self.answered:
                self._do(HangupCaller())
            else:
                self._do(RejectCaller(480))
            self._end("missed")
            return
        step = self.steps.pop(0)
        self.step_no += 1
        if isinstance(step, Announce):
            self.state = ANNOUNCING
            self._do(Play(step.text, step.language, answer=False))
        elif isinstance(step, RingStep):
            self._ring(step.targets, step.timeout, step.devices)
        elif isinstance(step, PlayMessage):
            self._stop_ringing_push("ended")
            self.state = PLAYING
            self.answered = True
            self._do(Play(step.text, step.language, answer=True))
        else:
            self._stop_ringing_push("ended")
            self._do(RejectCaller(step.status))
            self._end("busy" if step.status == 486 else "missed")

    def _ring(self, targets: tuple[Target, ...], timeout: int, devices: bool) -> None:
        self.state = RINGING
        if devices and self.push_wanted and not self.pushed:
            self.pushed = True
            self.push_wanted = False
            self._do(Push("incoming"))
        if not self.ringing_sent:
            self.ringing_sent = True
            self._do(RingCaller())
        self._device_step = devices
        for target in targets:
            n = len(self.legs) + 1
            self.legs[n] = _Leg(target)
            if target.delay <= 0:
                self._dial(n)
            else:
                self._timer(f"dial:{n}", target.delay)
        self._timer(f"no_answer:{self.step_no}", timeout)

    def _step_over(self) -> None:
        """Nobody answered this step: cancel what rings, go on with the plan."""
        self._stop_timers()
        self._drop_legs()
        if self._device_step:  # the user's phones stop ringing: they missed it
            self._stop_ringing_push("ended")
            self._do(Push("missed"))
            self._device_step = False
        self._next_step()

    # -- transitions --------------------------------------------------------------------
    def on_routed(self, ev: Routed) -> None:
        self.steps = list(ev.plan.steps)
        self.push_wanted = ev.plan.push
        self._do(WriteState("ringing"))
        self._next_step()

    def on_route_failed(self, ev: RouteFailed) -> None:
        self._do(RejectCaller(ev.status))
        self._end(None)

    def on_caller_gone_early(self, _ev) -> None:
        self._drop_legs()
        self._do(StopPlay()) if self.state in (ANNOUNCING, PLAYING) else None
        self._stop_ringing_push("ended")
        self._end(None if self.state == ROUTING else self._missed())

    def on_caller_gone_ringing(self, _ev) -> None:
        self._drop_legs()
        was_pushed = self.pushed
        self._stop_ringing_push("ended")
        if was_pushed or self._device_step:
            self._do(Push("missed"))
        self._end("missed")

    def on_playback_done(self, _ev) -> None:
        if self.state == ANNOUNCING:
            self._next_step()
        else:
            self._do(HangupCaller())
            self._end("missed")

    def on_timer(self, ev: TimerFired) -> None:
        if ev.name not in self.timers:
            return  # a timer of a step already over
        self.timers.discard(ev.name)
        kind, _, arg = ev.name.partition(":")
        if kind == "dial":
            if self.legs[int(arg)].status == "waiting":
                self._dial(int(arg))
        elif kind == "stop":
            if self.state == RINGING:
                self._stop_leg(int(arg))
        else:
            self._step_over()

    def on_leg_progress(self, ev: LegProgress) -> None:
        leg = self.legs.get(ev.leg)
        if leg is not None and leg.status == "dialled":
            leg.status = "ringing"

    def on_leg_answered(self, ev: LegAnswered) -> None:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.status not in ("dialled", "ringing"):
            self._fail(f"answer from leg {ev.leg} that is not ringing")
            return
        leg.status = "answered"
        self.winner = ev.leg
        self.device_answered = self._device_step
        self._stop_timers()
        self._drop_legs(keep=ev.leg)
        self._stop_ringing_push("answered")
        self.state = BRIDGED
        self.answered = True
        self._do(AnswerCaller(), Bridge(ev.leg), WriteState("answered", ev.leg))

    def on_leg_failed_ringing(self, ev: LegFailed) -> None:
        leg = self.legs.get(ev.leg)
        if leg is None:
            self._fail(f"failure of unknown leg {ev.leg}")
            return
        leg.status = "gone"
        self._gave_up(ev.leg)
        self._all_gone()

    def on_leg_gone_bridged(self, ev) -> None:
        if ev.leg != self.winner:
            self._fail(f"leg {ev.leg} ended but leg {self.winner} is bridged")
            return
        self.legs[ev.leg].status = "gone"
        self._do(HangupCaller())
        self._end(self._missed())

    def on_caller_gone_bridged(self, _ev) -> None:
        self._drop_legs()
        self._end(self._missed())

    def on_hangup_command(self, ev: HangupCommand) -> None:
        self._drop_legs()
        self._do(StopPlay()) if self.state in (ANNOUNCING, PLAYING) else None
        self._stop_ringing_push("ended")
        self._do(HangupCaller() if self.answered else RejectCaller(480))
        self._do(CommandDone(ev.command_id, "done"))
        self._end(self._missed())


TRANSITIONS: dict[tuple[str, type], str] = {
    (ROUTING, Routed): "on_routed",
    (ROUTING, RouteFailed): "on_route_failed",
    (ROUTING, CallerHungUp): "on_caller_gone_early",
    (ROUTING, HangupCommand): "on_hangup_command",
    (ANNOUNCING, PlaybackDone): "on_playback_done",
    (ANNOUNCING, CallerHungUp): "on_caller_gone_early",
    (ANNOUNCING, TimerFired): "on_timer",
    (ANNOUNCING, HangupCommand): "on_hangup_command",
    (RINGING, TimerFired): "on_timer",
    (RINGING, LegProgress): "on_leg_progress",
    (RINGING, LegAnswered): "on_leg_answered",
    (RINGING, LegFailed): "on_leg_failed_ringing",
    (RINGING, CallerHungUp): "on_caller_gone_ringing",
    (RINGING, HangupCommand): "on_hangup_command",
    (BRIDGED, LegHungUp): "on_leg_gone_bridged",
    (BRIDGED, LegFailed): "on_leg_gone_bridged",
    (BRIDGED, CallerHungUp): "on_caller_gone_bridged",
    (BRIDGED, TimerFired): "on_timer",
    (BRIDGED, HangupCommand): "on_hangup_command",
    (PLAYING, PlaybackDone): "on_playback_done",
    (PLAYING, CallerHungUp): "on_caller_gone_early",
    (PLAYING, TimerFired): "on_timer",
    (PLAYING, HangupCommand): "on_hangup_command",
}

TRANSITIONS.update(TRANSFER_TRANSITIONS)  # a bridged call hands itself to transfer control

CallControl.transitions = TRANSITIONS
HANDLERS: dict[str, Callable] = {name: getattr(CallControl, name)
                                 for name in set(TRANSITIONS.values())}
