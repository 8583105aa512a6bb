"""The gateway's own voicemail for one call: a pure, sans-IO state machine.

Call control hands a call over when its plan reaches `LeaveMessage` (`StartVoicemail`);
from then on this machine drives it. It answers, plays the greeting (the user's own, else
the spoken default), then a tone, and records the caller until they hang up, press #, stay
silent too long (the adapter reports `Silence`) or reach the longest message (a timer).
A key during the greeting skips it. The message is kept (`SaveMessage`) whenever recording
started; the port drops one shorter than a second. When the user's app moves the caller on
(a transfer from voicemail), the call machine lets go of this one (`let_go`): the greeting
stops, a message begun is discarded (`DiscardMessage`), the call goes on.

Every (state, input type) pair accepted is a row of `TABLE` (`machine.Go`); any other pair
ends the call cleanly, keeping what was recorded.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from i18n import N_

from .callmessages import (AnswerCaller, CallerHungUp, CancelTimer, CommandDone, Failed,
                           HangupCaller,
                           HangupCommand, LeaveMessage, LogCall, Play, PlaybackDone, PlayFile,
                           StartTimer, StopPlay, TimerFired, WriteState)
from .callhold import HoldCommand
from .machine import Machine, go


class State(enum.Enum):
    READY = "vm_ready"
    GREETING = "vm_greeting"
    RECORDING = "vm_recording"
    ENDED = "ended"


READY, GREETING, RECORDING, ENDED = State
END_KEY = "#"
MAX_TIMER = "vm_max"

# -- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Begin:
    pass                      # the call was handed over


@dataclass(frozen=True, slots=True)
class Key:
    digit: str


@dataclass(frozen=True, slots=True)
class Silence:
    pass                      # the caller said nothing for the step's `silence_s`

# -- actions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartRecording:
    silence_s: float          # the adapter reports `Silence` after this long without sound


@dataclass(frozen=True, slots=True)
class StopRecording:
    pass


@dataclass(frozen=True, slots=True)
class SaveMessage:
    pass                      # the recording is a message (the port drops one under 1 s)


@dataclass(frozen=True, slots=True)
class DiscardMessage:
    pass                      # the caller was moved on: no message (what was recorded goes)


@dataclass
class VoicemailControl(Machine):
    step: LeaveMessage
    state: State = READY
    timers: set = field(default_factory=set)
    _out: list = field(default_factory=list)

    final = ENDED

    def screen(self, event) -> list | None:
        return [] if self.over else None

    def unexpected(self, event) -> State:
        self.do(Failed(f"{type(event).__name__} in state {self.state.value}"))
        if self.state is RECORDING:
            self.do(StopRecording(), SaveMessage())
        elif self.state is GREETING:
            self.do(StopPlay())
        return self._end(hang_up=True)

    def let_go(self) -> list:
        """The caller is moved on from voicemail (the call goes on elsewhere): the actions
        that stop the greeting or drop the message begun; this machine is over."""
        out = [StopPlay()] if self.state is GREETING else \
            [StopRecording()] if self.state is RECORDING else []
        out += [DiscardMessage(), *(CancelTimer(name) for name in sorted(self.timers))]
        self.timers.clear()
        self.state = ENDED
        return out

    def _end(self, *, hang_up: bool) -> State:
        if hang_up:
            self.do(HangupCaller())
        self.do(WriteState("ended"), LogCall("missed"))
        self.timers.clear()
        return ENDED

    def _record(self) -> State:
        self.timers.add(MAX_TIMER)
        self.do(StartRecording(self.step.silence_s), StartTimer(MAX_TIMER, self.step.max_s))
        return RECORDING

    def _keep(self, *, hang_up: bool) -> State:
        self.do(StopRecording(), SaveMessage())
        return self._end(hang_up=hang_up)

    # -- rows -----------------------------------------------------------------------------
    def on_begin(self, _ev: Begin) -> None:
        self.do(AnswerCaller())
        if self.step.greeting:
            self.do(PlayFile(self.step.greeting))
        else:
            self.do(Play(self.step.text, self.step.language, answer=True))

    def on_greeting_over(self, _ev) -> State:
        return self._record()

    def on_key_in_greeting(self, _ev: Key) -> State:
        self.do(StopPlay())
        return self._record()

    def on_gone_in_greeting(self, _ev) -> State:
        self.do(StopPlay())
        return self._end(hang_up=False)

    def on_command_in_greeting(self, ev: HangupCommand) -> State:
        self.do(StopPlay(), CommandDone(ev.command_id, "done"))
        return self._end(hang_up=True)

    def on_key_in_recording(self, ev: Key) -> State:
        return self._keep(hang_up=True) if ev.digit == END_KEY else RECORDING

    def on_gone_in_recording(self, _ev) -> State:
        return self._keep(hang_up=False)

    def on_silence(self, _ev: Silence) -> State:
        return self._keep(hang_up=True)

    def on_timer(self, ev: TimerFired) -> State:
        if ev.name not in self.timers:
            return self.state  # a timer of something already over
        return self._keep(hang_up=True)

    def on_command_in_recording(self, ev: HangupCommand) -> State:
        self.do(CommandDone(ev.command_id, "done"))
        return self._keep(hang_up=True)

    def on_stale(self, _ev) -> None:
        """A late playback end or timer of something already over: nothing to do."""

    def on_hold(self, ev: HoldCommand) -> None:
        """Hold from the app: the caller is talking to voicemail, not to the user."""
        self.do(CommandDone(ev.command_id, N_("refused: the call is not connected")))


TABLE = {
    (READY, Begin): go("on_begin", GREETING),
    (READY, CallerHungUp): go("on_gone_in_greeting", ENDED),
    (GREETING, PlaybackDone): go("on_greeting_over", RECORDING),
    (GREETING, Key): go("on_key_in_greeting", RECORDING),
    (GREETING, CallerHungUp): go("on_gone_in_greeting", ENDED),
    (GREETING, HangupCommand): go("on_command_in_greeting", ENDED),
    (GREETING, TimerFired): go("on_stale", GREETING),
    (RECORDING, Key): go("on_key_in_recording", RECORDING, ENDED),
    (RECORDING, CallerHungUp): go("on_gone_in_recording", ENDED),
    (RECORDING, Silence): go("on_silence", ENDED),
    (RECORDING, TimerFired): go("on_timer", RECORDING, ENDED),
    (RECORDING, HangupCommand): go("on_command_in_recording", ENDED),
    (RECORDING, PlaybackDone): go("on_stale", RECORDING),
    **{(state, HoldCommand): go("on_hold", state) for state in (READY, GREETING, RECORDING)},
}
VoicemailControl.table = TABLE
