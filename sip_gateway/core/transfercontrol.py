"""Transfer control: one transfer of an answered call, a pure sans-IO sub-machine.

Call control hands a bridged call to it when the app asks for a transfer (`StartTransfer`)
and feeds it every input until it reports `Settled`; then call control takes the call back:
`completed` (the caller is bridged to the target leg), `reconnected` (the caller is bridged
to the user's leg again), `returned` (ring the user's devices again, then the user's own
no-answer rule), `failed` (hang up the caller) or `caller_gone`.

The legs: `user_leg` is the leg the caller is talking to (the user's device), `target_leg`
the number call control gives the new leg. The methods:
- with_return: the caller is held, the user's leg is released at once, the target rings up
  to `timeout`; no answer, busy or unreachable sends the call back (with a push saying why);
- blind: as with return, but what the target does not answer follows the target's own plan
  (the target leg goes through the gateway or the trunk); a failed target ends the call;
- attended: the caller is held, the user is connected to the target when it answers;
  complete bridges caller and target, cancel (or the target not answering or hanging up)
  reconnects the user. The user hanging up completes a transfer the target answered; before
  the target answers it turns it into a transfer with return.

Every (state, input) pair accepted is in `TRANSITIONS`; any other pair is an error that
abandons the transfer (`Failed`, target leg cancelled, the call back to the user). Inputs
after `Settled` are ignored, except a late answer of the target, which is hung up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .callmessages import (Bridge, CallerHungUp, CancelLeg, CancelTimer, CommandDone, Dial,
                           Failed, LegAnswered, LegFailed, LegHungUp, LegProgress, Push,
                           StartTimer, Target, TimerFired)

METHODS = ("with_return", "blind", "attended")
START, RINGING, CONSULTING, DONE = "start", "ringing", "consulting", "done"
STATES = (START, RINGING, CONSULTING, DONE)
REASONS = {486: "busy", 600: "busy", 603: "declined", 404: "not_found", 480: "unavailable"}


# -- inputs (commands from the app, through the command channel) --------------------------

@dataclass(frozen=True, slots=True)
class StartTransfer:
    command_id: int
    transfer_id: int
    method: str
    target: Target
    timeout: float
    back: tuple = ()          # call control's steps when the call comes back (the user's
    #                           devices, then the user's own no-answer rule)


@dataclass(frozen=True, slots=True)
class CompleteTransfer:
    command_id: int


@dataclass(frozen=True, slots=True)
class CancelTransfer:
    command_id: int


# -- actions --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HoldCaller:
    leg: int                  # the caller stops talking to this leg and waits on hold


@dataclass(frozen=True, slots=True)
class Connect:
    a: int                    # two of the gateway's own legs talk (user and target)
    b: int


@dataclass(frozen=True, slots=True)
class TransferState:
    transfer_id: int
    state: str                # ringing, consulting, completed, returned, cancelled, failed
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Settled:
    outcome: str              # completed, reconnected, returned, failed, caller_gone
    leg: int | None = None    # the leg now bridged to the caller (completed, reconnected)
    reason: str = ""


@dataclass
class TransferControl:
    """One transfer. `handle(event)` returns the actions to perform, in order."""

    user_leg: int
    target_leg: int
    state: str = START
    transfer_id: int = 0
    method: str = "with_return"
    user_present: bool = True
    target_dialled: bool = False
    outcome: str | None = None
    timer: str = ""
    timer_on: bool = False
    _out: list = field(default_factory=list)

    def handle(self, event) -> list:
        kind = self._kind(event)
        if self.state == DONE:
            if hasattr(event, "command_id"):
                return [CommandDone(event.command_id, "refused: the transfer is over")]
            late = kind == "target_answered" and self.target_dialled
            return [CancelLeg(self.target_leg)] if late else []
        if kind is None:
            return []             # not this transfer's input (another leg, an old timer)
        self._out = []
        name = TRANSITIONS.get((self.state, kind))
        if name is None:
            if hasattr(event, "command_id"):
                self._do(CommandDone(event.command_id, "refused: not possible now"))
            self._abandon(f"{type(event).__name__} ({kind}) in transfer state {self.state}")
        else:
            getattr(self, name)(event)
        out, self._out = self._out, []
        return out

    def _kind(self, ev) -> str | None:
        if isinstance(ev, StartTransfer):
            return "start"
        if isinstance(ev, CompleteTransfer):
            return "complete"
        if isinstance(ev, CancelTransfer):
            return "cancel"
        if isinstance(ev, CallerHungUp):
            return "caller_gone"
        if isinstance(ev, TimerFired):
            return "timeout" if self.timer_on and ev.name == self.timer else None
        leg = getattr(ev, "leg", None)
        if leg == self.target_leg and self.target_dialled:
            return {LegProgress: "target_progress", LegAnswered: "target_answered",
                    LegFailed: "target_failed", LegHungUp: "target_gone"}.get(type(ev))
        if leg == self.user_leg and self.user_present and isinstance(ev, (LegHungUp, LegFailed)):
            return "user_gone"
        return None

    # -- helpers ------------------------------------------------------------------------
    def _do(self, *actions) -> None:
        self._out.extend(actions)

    def _stop_timer(self) -> None:
        if self.timer_on:
            self.timer_on = False
            self._do(CancelTimer(self.timer))

    def _drop_target(self) -> None:
        if self.target_dialled:
            self._do(CancelLeg(self.target_leg))

    def _settle(self, state: str, reason: str, outcome: str, leg: int | None = None) -> None:
        self._stop_timer()
        self.state, self.outcome = DONE, outcome
        self._do(TransferState(self.transfer_id, state, reason), Settled(outcome, leg, reason))

    def _back_to_user(self, state: str, reason: str, push: bool) -> None:
        """The target is out of the picture: the caller goes back to the user."""
        if self.method == "attended" and self.user_present:
            self._do(Bridge(self.user_leg))
            self._settle(state, reason, "reconnected", self.user_leg)
        elif self.method == "blind" and state != "cancelled":
            self._settle("failed", reason, "failed")
        else:
            if push:
                self._do(Push("transfer_returned", reason))
            self._settle(state, reason, "returned")

    def _abandon(self, why: str) -> None:
        self._do(Failed(why))
        if self.state == START:  # nothing happened yet: the caller still talks to the user
            return self._settle("failed", "error", "reconnected", self.user_leg)
        self._drop_target()
        self._back_to_user("failed", "error", push=False)

    # -- transitions --------------------------------------------------------------------
    def on_start(self, ev: StartTransfer) -> None:
        if ev.method not in METHODS:
            self.transfer_id = ev.transfer_id
            self._do(CommandDone(ev.command_id, f"refused: unknown method {ev.method}"))
            return self._settle("failed", "unknown_method", "reconnected", self.user_leg)
        self.transfer_id, self.method = ev.transfer_id, ev.method
        self.timer = f"transfer:{ev.transfer_id}"
        self.state = RINGING
        self._do(HoldCaller(self.user_leg))
        if ev.method != "attended":
            self.user_present = False
            self._do(CancelLeg(self.user_leg))
        self.target_dialled = True
        self.timer_on = True
        self._do(Dial(self.target_leg, ev.target), StartTimer(self.timer, ev.timeout),
                 TransferState(ev.transfer_id, "ringing"), CommandDone(ev.command_id, "started"))

    def on_second_start(self, ev: StartTransfer) -> None:
        self._do(CommandDone(ev.command_id, "refused: a transfer is already in progress"))

    def on_target_progress(self, _ev) -> None:
        pass

    def on_target_answered(self, _ev) -> None:
        if self.method == "attended" and self.user_present:
            self._stop_timer()
            self.state = CONSULTING
            self._do(Connect(self.user_leg, self.target_leg),
                     TransferState(self.transfer_id, "consulting"))
            return
        self._do(Bridge(self.target_leg))
        self._settle("completed", "answered", "completed", self.target_leg)

    def on_target_failed(self, ev) -> None:
        self.target_dialled = False
        status = getattr(ev, "status", 0)
        self._back_to_user("returned", REASONS.get(status, "unavailable"), push=True)

    def on_timeout(self, _ev) -> None:
        self.timer_on = False
        self._drop_target()
        self._back_to_user("returned", "no_answer", push=True)

    def on_caller_gone(self, _ev) -> None:
        self._drop_target()
        if self.user_present:
            self._do(CancelLeg(self.user_leg))
        self._settle("failed", "caller_hung_up", "caller_gone")

    def on_user_gone_ringing(self, _ev) -> None:
        self.user_present = False   # attended, target not answered: now with return
        self.method = "with_return"

    def on_user_gone_consulting(self, _ev) -> None:
        self.user_present = False
        self._do(Bridge(self.target_leg))
        self._settle("completed", "user_hung_up", "completed", self.target_leg)

    def on_complete(self, ev: CompleteTransfer) -> None:
        self._do(Bridge(self.target_leg), CancelLeg(self.user_leg),
                 CommandDone(ev.command_id, "done"))
        self.user_present = False
        self._settle("completed", "completed", "completed", self.target_leg)

    def on_complete_too_early(self, ev: CompleteTransfer) -> None:
        self._do(CommandDone(ev.command_id, "refused: the target has not answered"))

    def on_cancel(self, ev: CancelTransfer) -> None:
        self._drop_target()
        self._do(CommandDone(ev.command_id, "done"))
        self._back_to_user("cancelled", "cancelled", push=False)

    def on_target_gone_consulting(self, _ev) -> None:
        self.target_dialled = False
        self._back_to_user("cancelled", "target_hung_up", push=False)


TRANSITIONS: dict[tuple[str, str], str] = {
    (START, "start"): "on_start",
    (START, "caller_gone"): "on_caller_gone",
    (RINGING, "start"): "on_second_start",
    (RINGING, "target_progress"): "on_target_progress",
    (RINGING, "target_answered"): "on_target_answered",
    (RINGING, "target_failed"): "on_target_failed",
    (RINGING, "target_gone"): "on_target_failed",
    (RINGING, "timeout"): "on_timeout",
    (RINGING, "caller_gone"): "on_caller_gone",
    (RINGING, "user_gone"): "on_user_gone_ringing",
    (RINGING, "complete"): "on_complete_too_early",
    (RINGING, "cancel"): "on_cancel",
    (CONSULTING, "start"): "on_second_start",
    (CONSULTING, "complete"): "on_complete",
    (CONSULTING, "cancel"): "on_cancel",
    (CONSULTING, "user_gone"): "on_user_gone_consulting",
    (CONSULTING, "target_gone"): "on_target_gone_consulting",
    (CONSULTING, "target_failed"): "on_target_gone_consulting",
    (CONSULTING, "caller_gone"): "on_caller_gone",
}
KINDS = ("start", "complete", "cancel", "caller_gone", "timeout", "target_progress",
         "target_answered", "target_failed", "target_gone", "user_gone")

HANDLERS: dict[str, Callable] = {name: getattr(TransferControl, name)
                                 for name in set(TRANSITIONS.values())}
