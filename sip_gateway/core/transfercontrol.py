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

Every (state, input kind) pair accepted is in `TABLE` (an input's kind says what it means to
this transfer: the target's leg answering, the user's leg hanging up...); any other pair is an
error that abandons the transfer (`Failed`, target leg cancelled, the call back to the user). Inputs
after `Settled` are ignored, except a late answer of the target, which is hung up.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from i18n import N_

from .callmessages import (Bridge, CallerHungUp, CancelLeg, CancelTimer, CommandDone, Dial,
                           Failed, LegAnswered, LegFailed, LegHungUp, LegProgress, Push, StartTimer,
                           Target, TimerFired)
from .machine import Machine, go

METHODS = ("with_return", "blind", "attended")
# why a target leg failed, told apart for the "came back" push: the target's devices rang out
# (408), were busy (486, 600: a phone in a call, or their when-busy rule), someone declined
# (603), their plan would not ring them (480) or the number does not exist (404)
REASONS = {408: "no_answer", 486: "busy", 600: "busy", 603: "declined", 404: "not_found",
           410: "not_found", 480: "unavailable"}


class State(enum.Enum):
    START = "start"
    RINGING = "ringing"
    CONSULTING = "consulting"
    DONE = "done"


class Kind(enum.Enum):
    """What an input means to this transfer."""
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"
    CALLER_GONE = "caller_gone"
    TIMEOUT = "timeout"
    TARGET_PROGRESS = "target_progress"
    TARGET_ANSWERED = "target_answered"
    TARGET_FAILED = "target_failed"
    TARGET_GONE = "target_gone"
    USER_GONE = "user_gone"

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


_TARGET_KINDS = {LegProgress: Kind.TARGET_PROGRESS, LegAnswered: Kind.TARGET_ANSWERED,
                 LegFailed: Kind.TARGET_FAILED, LegHungUp: Kind.TARGET_GONE}


@dataclass
class TransferControl(Machine):
    """One transfer. `handle(event)` returns the actions to perform, in order."""

    user_leg: int
    target_leg: int
    state: State = State.START
    transfer_id: int = 0
    method: str = "with_return"
    user_present: bool = True
    target_dialled: bool = False
    outcome: str | None = None
    timer: str = ""
    timer_on: bool = False
    _out: list = field(default_factory=list)

    final = State.DONE

    def screen(self, event) -> list | None:
        kind = self.key(event)
        if self.over:
            if hasattr(event, "command_id"):
                return [CommandDone(event.command_id, N_("refused: the transfer is over"))]
            late = kind is Kind.TARGET_ANSWERED and self.target_dialled
            return [CancelLeg(self.target_leg)] if late else []
        return [] if kind is None else None   # None: not this transfer's input (another
        #                                       leg, an old timer)

    def key(self, ev) -> Kind | None:
        if isinstance(ev, StartTransfer):
            return Kind.START
        if isinstance(ev, CompleteTransfer):
            return Kind.COMPLETE
        if isinstance(ev, CancelTransfer):
            return Kind.CANCEL
        if isinstance(ev, CallerHungUp):
            return Kind.CALLER_GONE
        if isinstance(ev, TimerFired):
            return Kind.TIMEOUT if self.timer_on and ev.name == self.timer else None
        leg = getattr(ev, "leg", None)
        if leg == self.target_leg and self.target_dialled:
            return _TARGET_KINDS.get(type(ev))
        if leg == self.user_leg and self.user_present and isinstance(ev, (LegHungUp, LegFailed)):
            return Kind.USER_GONE
        return None

    def unexpected(self, event) -> State:
        if hasattr(event, "command_id"):
            self.do(CommandDone(event.command_id, N_("refused: not possible now")))
        kind = self.key(event).value
        self.do(Failed(f"{type(event).__name__} ({kind}) in transfer state {self.state.value}"))
        if self.state is State.START:  # nothing happened yet: the caller still talks to the user
            return self._settle("failed", "error", "reconnected", self.user_leg)
        self._drop_target()
        return self._back_to_user("failed", "error", push=False)

    # -- helpers ------------------------------------------------------------------------
    def _stop_timer(self) -> None:
        if self.timer_on:
            self.timer_on = False
            self.do(CancelTimer(self.timer))

    def _drop_target(self) -> None:
        if self.target_dialled:
            self.do(CancelLeg(self.target_leg))

    def _settle(self, state: str, reason: str, outcome: str, leg: int | None = None) -> State:
        self._stop_timer()
        self.outcome = outcome
        self.do(TransferState(self.transfer_id, state, reason), Settled(outcome, leg, reason))
        return State.DONE

    def _back_to_user(self, state: str, reason: str, push: bool) -> State:
        """The target is out of the picture: the caller goes back to the user."""
        if self.method == "attended" and self.user_present:
            self.do(Bridge(self.user_leg))
            return self._settle(state, reason, "reconnected", self.user_leg)
        if self.method == "blind" and state != "cancelled":
            return self._settle("failed", reason, "failed")
        if push:
            self.do(Push("transfer_returned", reason))
        return self._settle(state, reason, "returned")

    # -- transitions --------------------------------------------------------------------
    def on_start(self, ev: StartTransfer) -> State:
        if ev.method not in METHODS:
            self.transfer_id = ev.transfer_id
            self.do(CommandDone(ev.command_id, N_("refused: unknown method {method}").format(
                method=ev.method)))
            return self._settle("failed", "unknown_method", "reconnected", self.user_leg)
        self.transfer_id, self.method = ev.transfer_id, ev.method
        self.timer = f"transfer:{ev.transfer_id}"
        self.do(HoldCaller(self.user_leg))
        if ev.method != "attended":
            self.user_present = False
            self.do(CancelLeg(self.user_leg))
        self.target_dialled = True
        self.timer_on = True
        self.do(Dial(self.target_leg, ev.target), StartTimer(self.timer, ev.timeout),
                TransferState(ev.transfer_id, "ringing"), CommandDone(ev.command_id, "started"))
        return State.RINGING

    def on_second_start(self, ev: StartTransfer) -> None:
        self.do(CommandDone(ev.command_id, N_("refused: a transfer is already in progress")))

    def on_target_progress(self, _ev) -> None:
        pass

    def on_target_answered(self, _ev) -> State:
        if self.method == "attended" and self.user_present:
            self._stop_timer()
            self.do(Connect(self.user_leg, self.target_leg),
                    TransferState(self.transfer_id, "consulting"))
            return State.CONSULTING
        self.do(Bridge(self.target_leg))
        return self._settle("completed", "answered", "completed", self.target_leg)

    def on_target_failed(self, ev) -> State:
        self.target_dialled = False
        status = getattr(ev, "status", 0)
        return self._back_to_user("returned", REASONS.get(status, "unavailable"), push=True)

    def on_timeout(self, _ev) -> State:
        self.timer_on = False
        self._drop_target()
        return self._back_to_user("returned", "no_answer", push=True)

    def on_caller_gone(self, _ev) -> State:
        self._drop_target()
        if self.user_present:
            self.do(CancelLeg(self.user_leg))
        return self._settle("failed", "caller_hung_up", "caller_gone")

    def on_user_gone_ringing(self, _ev) -> None:
        self.user_present = False   # attended, target not answered: now with return
        self.method = "with_return"
        self.do(TransferState(self.transfer_id, "ringing", "user_hung_up"))  # the user is free

    def on_user_gone_consulting(self, _ev) -> State:
        self.user_present = False
        self.do(Bridge(self.target_leg))
        return self._settle("completed", "user_hung_up", "completed", self.target_leg)

    def on_complete(self, ev: CompleteTransfer) -> State:
        self.do(Bridge(self.target_leg), CancelLeg(self.user_leg),
                CommandDone(ev.command_id, "done"))
        self.user_present = False
        return self._settle("completed", "completed", "completed", self.target_leg)

    def on_complete_too_early(self, ev: CompleteTransfer) -> None:
        self.do(CommandDone(ev.command_id, N_("refused: the target has not answered")))

    def on_cancel(self, ev: CancelTransfer) -> State:
        self._drop_target()
        self.do(CommandDone(ev.command_id, "done"))
        return self._back_to_user("cancelled", "cancelled", push=False)

    def on_target_gone_consulting(self, _ev) -> State:
        self.target_dialled = False
        return self._back_to_user("cancelled", "target_hung_up", push=False)


START, RINGING, CONSULTING, DONE = State
TABLE = {
    (START, Kind.START): go("on_start", RINGING, DONE),
    (START, Kind.CALLER_GONE): go("on_caller_gone", DONE),
    (RINGING, Kind.START): go("on_second_start", RINGING),
    (RINGING, Kind.TARGET_PROGRESS): go("on_target_progress", RINGING),
    (RINGING, Kind.TARGET_ANSWERED): go("on_target_answered", CONSULTING, DONE),
    (RINGING, Kind.TARGET_FAILED): go("on_target_failed", DONE),
    (RINGING, Kind.TARGET_GONE): go("on_target_failed", DONE),
    (RINGING, Kind.TIMEOUT): go("on_timeout", DONE),
    (RINGING, Kind.CALLER_GONE): go("on_caller_gone", DONE),
    (RINGING, Kind.USER_GONE): go("on_user_gone_ringing", RINGING),
    (RINGING, Kind.COMPLETE): go("on_complete_too_early", RINGING),
    (RINGING, Kind.CANCEL): go("on_cancel", DONE),
    (CONSULTING, Kind.START): go("on_second_start", CONSULTING),
    (CONSULTING, Kind.COMPLETE): go("on_complete", DONE),
    (CONSULTING, Kind.CANCEL): go("on_cancel", DONE),
    (CONSULTING, Kind.USER_GONE): go("on_user_gone_consulting", DONE),
    (CONSULTING, Kind.TARGET_GONE): go("on_target_gone_consulting", DONE),
    (CONSULTING, Kind.TARGET_FAILED): go("on_target_gone_consulting", DONE),
    (CONSULTING, Kind.CALLER_GONE): go("on_caller_gone", DONE),
}
TransferControl.table = TABLE
