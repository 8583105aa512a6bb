"""Call control's side of a transfer (pure): a bridged call hands itself to transfer control
and takes the call back when the transfer settles.

`CallControl` inherits `TransferMixin`; `TRANSFER_TRANSITIONS` joins its table. While a
transfer runs (state `transferring`) every input goes to the `TransferControl`; its actions go
out, with the legs and timers they touch kept up to date here. When it settles the call is
bridged again (to the target or back to the user), rings the user's devices again (a
transfer with return that came back, then the user's own no-answer rule), or ends.
"""
from __future__ import annotations

from .callmessages import (CallerHungUp, CancelLeg, CancelTimer, CommandDone, HangupCaller,
                           HangupCommand, LegAnswered, LegFailed, LegHungUp, LegProgress,
                           StartTimer, TimerFired, WriteState)
from .transfercontrol import (CancelTransfer, CompleteTransfer, Settled, StartTransfer,
                              TransferControl, TransferState)

TRANSFERRING = "transferring"
_BRIDGED = "bridged"          # callcontrol.BRIDGED (this module is imported by callcontrol)


class TransferMixin:
    transfer: TransferControl | None = None
    transfer_back: tuple = ()

    def on_start_transfer(self, ev: StartTransfer) -> None:
        n = len(self.legs) + 1
        self.legs[n] = self._transfer_leg(ev.target)
        self.transfer = TransferControl(user_leg=self.winner, target_leg=n)
        self.transfer_back = tuple(ev.back)
        self.state = TRANSFERRING
        self._transfer_feed(ev)

    def _transfer_leg(self, target):
        """The new leg to the target, in the machine's own kind of leg."""
        return type(self.legs[self.winner])(target, "dialled")

    def on_transfer_input(self, ev) -> None:
        leg = self.legs.get(getattr(ev, "leg", None))
        if leg is not None and isinstance(ev, LegAnswered):
            leg.status = "answered"
        elif leg is not None and isinstance(ev, (LegFailed, LegHungUp)):
            leg.status = "gone"
        self._transfer_feed(ev)

    def on_no_transfer(self, ev) -> None:
        """A transfer command with no transfer to act on: refused, the call goes on."""
        self._do(CommandDone(ev.command_id, "refused: no transfer possible now"))

    def on_hangup_transferring(self, ev: HangupCommand) -> None:
        t = self.transfer
        self._do(TransferState(t.transfer_id, "failed", "hung_up"))
        self.transfer = None
        self.on_hangup_command(ev)

    def _transfer_feed(self, ev) -> None:
        for a in self.transfer.handle(ev):
            if isinstance(a, CancelLeg) and a.leg in self.legs:
                self.legs[a.leg].status = "gone"
            elif isinstance(a, StartTimer):
                self.timers.add(a.name)
            elif isinstance(a, CancelTimer):
                self.timers.discard(a.name)
            self._do(a)
            if isinstance(a, Settled):
                self._transfer_settled(a)

    def _transfer_settled(self, s: Settled) -> None:
        self.timers.discard(self.transfer.timer)
        self.transfer = None
        if s.outcome in ("completed", "reconnected"):
            self.winner, self.state = s.leg, _BRIDGED
            if s.outcome == "completed":
                self._do(WriteState("answered", s.leg))
        elif s.outcome == "returned":
            self.winner, self.steps = None, list(self.transfer_back)
            self.pushed, self.push_wanted = False, True
            self._next_step()
        else:  # failed, caller_gone
            self._drop_legs()
            if s.outcome == "failed":
                self._do(HangupCaller())
            self._end(self._missed())


_INPUTS = (LegProgress, LegAnswered, LegFailed, LegHungUp, CallerHungUp, TimerFired,
           StartTransfer, CompleteTransfer, CancelTransfer)
_COMMANDS = (StartTransfer, CompleteTransfer, CancelTransfer)
_OTHER_STATES = ("routing", "announcing", "ringing", "playing")

TRANSFER_TRANSITIONS: dict[tuple[str, type], str] = {
    (_BRIDGED, StartTransfer): "on_start_transfer",
    (_BRIDGED, CompleteTransfer): "on_no_transfer",
    (_BRIDGED, CancelTransfer): "on_no_transfer",
    **{(state, kind): "on_no_transfer" for state in _OTHER_STATES for kind in _COMMANDS},
    **{(TRANSFERRING, kind): "on_transfer_input" for kind in _INPUTS},
    (TRANSFERRING, HangupCommand): "on_hangup_transferring",
}
