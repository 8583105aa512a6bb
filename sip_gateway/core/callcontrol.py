"""Call control for one call through the gateway: a pure, sans-IO state machine.

Inputs (SIP events as the adapter saw them, timers that fired, commands from the API) go in
through `CallControl.handle(event)`; actions come out as a list for the adapter to perform in
order (push, dial, cancel, answer, bridge, play, hang up, write state, start a timer). The
machine never reads a clock and never touches a socket: timers are data (`StartTimer`), the
adapter fires them back as `TimerFired`.

Every (state, input type) pair the machine accepts is a row of `TABLE` with the states it may
lead to (`machine.Go`); any other pair is an error that ends the call cleanly (legs
cancelled, caller rejected or hung up, `Failed` reported).
Inputs to a call that has ended are ignored.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .callmessages import (  # noqa: F401 (re-exported: the machine's vocabulary)
    Target, Announce, RingStep, PlayMessage, Reject, CallPlan, Routed, RouteFailed,
    LegProgress, LegAnswered, LegFailed, LegHungUp, CallerHungUp, TimerFired, PlaybackDone,
    HangupCommand, Push, Dial, CancelLeg, RingCaller, AnswerCaller, Bridge, Play, StopPlay,
    RejectCaller, HangupCaller, StartTimer, CancelTimer, WriteState, LogCall, CommandDone,
    Failed, LeaveMessage, StartVoicemail)
from . import callhold, handover, mailbox
from .callhold import Hold
from .handover import Handover
from .mailbox import Mailbox, TakeBack
from .machine import LegMachine, go
from .transfercontrol import CancelTransfer, CompleteTransfer, Settled, StartTransfer
from .turns import Turns


class State(enum.Enum):
    ROUTING = "routing"
    ANNOUNCING = "announcing"
    RINGING = "ringing"
    BRIDGED = "bridged"
    PLAYING = "playing"
    TRANSFERRING = "transferring"
    VOICEMAIL = "voicemail"   # the gateway's own voicemail has the call (`mailbox`)
    ENDED = "ended"


ROUTING, ANNOUNCING, RINGING, BRIDGED, PLAYING, TRANSFERRING, VOICEMAIL, ENDED = State
NEXT_STEP = (ANNOUNCING, RINGING, PLAYING, VOICEMAIL, ENDED)  # wherever the next step leads


@dataclass
class _Leg:
    target: Target
    status: str = "waiting"   # waiting (delayed), dialled, ringing, answered, gone


@dataclass
class CallControl(LegMachine):
    """One call. `handle(event)` returns the actions to perform, in order."""

    state: State = ROUTING
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

    final = ENDED

    def __post_init__(self) -> None:
        self.turns = Turns(self)
        self.transfer = Handover(self, TRANSFERRING)
        self.hold = Hold(self)
        self.mailbox = Mailbox(self, VOICEMAIL, ENDED)

    def live_legs(self) -> list[int]:
        return [n for n, leg in self.legs.items() if leg.status in ("dialled", "ringing",
                                                                     "answered")]

    def _drop_legs(self, keep: int | None = None) -> None:
        """Cancel every leg but `keep` (the one that answered: the others were answered
        elsewhere)."""
        for n in self.live_legs():
            if n != keep:
                self.legs[n].status = "gone"
                self.do(CancelLeg(n, elsewhere=keep is not None))
        for leg in self.legs.values():
            if leg.status == "waiting":
                leg.status = "gone"

    def _end(self, log: str | None) -> State:
        self.stop_timers()
        self.do(WriteState("ended"))
        if log:
            self.do(LogCall(log))
        return ENDED

    def _stop_ringing_push(self, reason: str) -> None:
        if self.pushed:
            self.do(Push("ended", reason))
            self.pushed = False

    def fail(self, reason: str) -> State:
        self.do(Failed(reason))
        self._drop_legs()
        self._stop_ringing_push("ended")
        self.do(HangupCaller() if self.answered else RejectCaller(500))
        return self._end("failed")

    def _missed(self) -> str:
        return "answered" if self.device_answered else "missed"

    # -- the plan -----------------------------------------------------------------------
    def _next_step(self) -> State:
        if not self.steps:
            self._stop_ringing_push("ended")
            self.do(HangupCaller() if self.answered else RejectCaller(480))
            return self._end("missed")
        step = self.steps.pop(0)
        self.step_no += 1
        if isinstance(step, Announce):
            self.do(Play(step.text, step.language, answer=False))
            return ANNOUNCING
        if isinstance(step, RingStep):
            return self._ring(step.targets, step.timeout, step.devices)
        self._stop_ringing_push("ended")
        if isinstance(step, LeaveMessage):  # the gateway's own voicemail takes the call on
            return self.mailbox.start(step)
        if isinstance(step, PlayMessage):
            self.answered = True
            self.do(Play(step.text, step.language, answer=True))
            return PLAYING
        self.do(RejectCaller(step.status))
        return self._end("busy" if step.status == 486 else "missed")

    def _ring(self, targets: tuple[Target, ...], timeout: int, devices: bool) -> State:
        if devices and self.push_wanted and not self.pushed:
            self.pushed = True        # push before dial: the app learns first
            self.push_wanted = False
            self.do(Push("incoming"))
        if not self.ringing_sent:
            self.ringing_sent = True
            self.do(RingCaller())
        self._device_step = devices
        for target in targets:
            n = len(self.legs) + 1
            self.legs[n] = _Leg(target)
            if target.delay <= 0:
                self.turns.dial(n)
            else:
                self.start_timer(f"dial:{n}", target.delay)
        self.start_timer(f"no_answer:{self.step_no}", timeout)
        return RINGING

    def step_over(self) -> State:
        """Nobody answered this step: cancel what rings, go on with the plan."""
        self.stop_timers()
        self._drop_legs()
        if self._device_step:  # the user's phones stop ringing: they missed it
            self._stop_ringing_push("ended")
            self.do(Push("missed"))
            self._device_step = False
        return self._next_step()

    # -- transitions --------------------------------------------------------------------
    def on_routed(self, ev: Routed) -> State:
        self.steps = list(ev.plan.steps)
        self.push_wanted = ev.plan.push
        self.when_busy = ev.plan.busy
        self.do(WriteState("ringing"))
        return self._next_step()

    def on_route_failed(self, ev: RouteFailed) -> State:
        self.do(RejectCaller(ev.status))
        return self._end(None)

    def on_caller_gone_early(self, _ev) -> State:
        self._drop_legs()
        if self.state in (ANNOUNCING, PLAYING):
            self.do(StopPlay())
        self._stop_ringing_push("ended")
        return self._end(None if self.state is ROUTING else self._missed())

    def on_caller_gone_ringing(self, _ev) -> State:
        self._drop_legs()
        was_pushed = self.pushed
        self._stop_ringing_push("ended")
        if was_pushed or self._device_step:
            self.do(Push("missed"))
        return self._end("missed")

    def on_announced(self, _ev) -> State:
        return self._next_step()

    def on_played(self, _ev) -> State:
        self.do(HangupCaller())
        return self._end("missed")

    def on_timer(self, ev: TimerFired) -> State:
        if ev.name not in self.timers:
            return self.state  # a timer of a step already over
        self.timers.discard(ev.name)
        kind, _, arg = ev.name.partition(":")
        if kind == "dial":
            if self.legs[int(arg)].status == "waiting":
                self.turns.dial(int(arg))
            return self.state
        if kind == "stop":
            return (self.state is RINGING and self.turns.stop_leg(int(arg))) or self.state
        return self.step_over()

    def on_leg_progress(self, ev: LegProgress) -> None:
        leg = self.legs.get(ev.leg)
        if leg is not None and leg.status == "dialled":
            leg.status = "ringing"

    def on_leg_answered(self, ev: LegAnswered) -> State:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.status not in ("dialled", "ringing"):
            return self.fail(f"answer from leg {ev.leg} that is not ringing")
        leg.status = "answered"
        self.winner = ev.leg
        self.device_answered = self._device_step
        self.stop_timers()
        self._drop_legs(keep=ev.leg)
        self._stop_ringing_push("answered")
        self.answered = True
        self.do(AnswerCaller(), Bridge(ev.leg), WriteState("answered", ev.leg))
        return BRIDGED

    def on_leg_failed_ringing(self, ev: LegFailed) -> State:
        leg = self.legs.get(ev.leg)
        if leg is None:
            return self.fail(f"failure of unknown leg {ev.leg}")
        leg.status = "gone"
        self.turns.gave_up(ev.leg)
        return self.turns.all_gone() or RINGING

    def on_leg_gone_bridged(self, ev) -> State:
        if ev.leg != self.winner:
            return self.fail(f"leg {ev.leg} ended but leg {self.winner} is bridged")
        self.legs[ev.leg].status = "gone"
        self.do(HangupCaller())
        return self._end(self._missed())

    def on_caller_gone_bridged(self, _ev) -> State:
        self._drop_legs()
        return self._end(self._missed())

    def hang_up(self, ev: HangupCommand) -> State:
        """The user hangs up from the app."""
        self._drop_legs()
        if self.state in (ANNOUNCING, PLAYING):
            self.do(StopPlay())
        self._stop_ringing_push("ended")
        self.do(HangupCaller() if self.answered else RejectCaller(480))
        self.do(CommandDone(ev.command_id, "done"))
        return self._end(self._missed())

    def ring_again(self, steps) -> State:
        """The call comes back to the user: their devices ring again, then `steps` go on."""
        self.winner, self.steps = None, list(steps)
        self.pushed, self.push_wanted = False, True
        return self._next_step()

    # -- a transfer by the user (`handover` runs it) ------------------------------------
    def transfer_leg(self, target: Target) -> _Leg:
        return _Leg(target, "dialled")

    def transfer_settled(self, s: Settled, back: tuple) -> State:
        if s.outcome in ("completed", "reconnected"):
            self.winner = s.leg
            if s.outcome == "completed":
                self.do(WriteState("answered", s.leg))
            return BRIDGED
        if s.outcome == "returned":   # ring the user's devices again, then their own rule
            return self.ring_again(back)
        self._drop_legs()             # failed, caller_gone
        if s.outcome == "failed":
            self.do(HangupCaller())
        return self._end(self._missed())


TABLE = {
    (ROUTING, Routed): go("on_routed", *NEXT_STEP),
    (ROUTING, RouteFailed): go("on_route_failed", ENDED),
    (ROUTING, CallerHungUp): go("on_caller_gone_early", ENDED),
    (ROUTING, HangupCommand): go("hang_up", ENDED),
    (ANNOUNCING, PlaybackDone): go("on_announced", *NEXT_STEP),
    (ANNOUNCING, CallerHungUp): go("on_caller_gone_early", ENDED),
    (ANNOUNCING, TimerFired): go("on_timer", ANNOUNCING, *NEXT_STEP),
    (ANNOUNCING, HangupCommand): go("hang_up", ENDED),
    (RINGING, TimerFired): go("on_timer", *NEXT_STEP),
    (RINGING, LegProgress): go("on_leg_progress", RINGING),
    (RINGING, LegAnswered): go("on_leg_answered", BRIDGED, ENDED),
    (RINGING, LegFailed): go("on_leg_failed_ringing", *NEXT_STEP),
    (RINGING, CallerHungUp): go("on_caller_gone_ringing", ENDED),
    (RINGING, HangupCommand): go("hang_up", ENDED),
    (BRIDGED, LegHungUp): go("on_leg_gone_bridged", ENDED),
    (BRIDGED, LegFailed): go("on_leg_gone_bridged", ENDED),
    (BRIDGED, CallerHungUp): go("on_caller_gone_bridged", ENDED),
    (BRIDGED, TimerFired): go("on_timer", BRIDGED, *NEXT_STEP),
    (BRIDGED, HangupCommand): go("hang_up", ENDED),
    (PLAYING, PlaybackDone): go("on_played", ENDED),
    (PLAYING, CallerHungUp): go("on_caller_gone_early", ENDED),
    (PLAYING, TimerFired): go("on_timer", PLAYING, *NEXT_STEP),
    (PLAYING, HangupCommand): go("hang_up", ENDED),
    # the gateway's own voicemail has the call: every input goes to it
    **mailbox.rows(VOICEMAIL, ENDED),
    # a bridged call hands itself to transfer control; it settles bridged, ringing the
    # user again (whatever their plan does next) or ended
    **handover.rows(BRIDGED, TRANSFERRING, others=(ROUTING, ANNOUNCING, RINGING, PLAYING),
                    after=(BRIDGED, *NEXT_STEP), hung_up=(ENDED,)),
    # in voicemail the app's transfer moves the caller on (the message begun is dropped)
    (VOICEMAIL, StartTransfer): go("mailbox.transfer", VOICEMAIL, TRANSFERRING),
    (VOICEMAIL, CompleteTransfer): go("transfer.refuse", VOICEMAIL),
    (VOICEMAIL, CancelTransfer): go("transfer.refuse", VOICEMAIL),
    # ... or the user takes the call back: their devices ring again
    (VOICEMAIL, TakeBack): go("mailbox.take_back", *NEXT_STEP),
    **{(state, TakeBack): go("mailbox.refuse", state)
       for state in (ROUTING, ANNOUNCING, RINGING, BRIDGED, PLAYING, TRANSFERRING)},
    **callhold.rows(BRIDGED, others=(ROUTING, ANNOUNCING, RINGING, PLAYING, TRANSFERRING)),
}
CallControl.table = TABLE
