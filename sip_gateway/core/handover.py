"""A call machine's side of a transfer (pure): a bridged call hands itself to transfer
control and takes the call back when the transfer settles.

Both call machines own a `Handover` and join `rows()` to their table. While a transfer runs
(state `TRANSFERRING`) every input goes to the `TransferControl`; its actions go out, with the
legs and timers they touch kept up to date on the machine. When it settles the machine decides
what follows (`TransferHost.transfer_settled`): bridged again (to the target or back to the
user), ring the user again, or end.
"""
from __future__ import annotations

import enum
from dataclasses import replace
from typing import Protocol

from i18n import N_

from .callmessages import (CallerHungUp, CancelLeg, CancelTimer, CommandDone, Dial, HangupCommand,
                           LegAnswered, LegFailed, LegHungUp, LegProgress, StartTimer, Target,
                           TimerFired)
from .callhold import Hold
from .machine import Go, go
from .transfercontrol import (CancelTransfer, CompleteTransfer, Settled, StartTransfer,
                              TransferControl, TransferState)

INPUTS = (LegProgress, LegAnswered, LegFailed, LegHungUp, CallerHungUp, TimerFired,
          StartTransfer, CompleteTransfer, CancelTransfer)
COMMANDS = (StartTransfer, CompleteTransfer, CancelTransfer)


class TransferHost(Protocol):
    """What a `Handover` needs of the call machine it works for."""

    legs: dict
    timers: set[str]
    winner: int | None
    state: enum.Enum
    hold: Hold                 # the app's hold, which a transfer takes over

    def do(self, *actions) -> None: ...
    def transfer_leg(self, target: Target) -> object: ...
    def transfer_settled(self, settled: Settled, back: tuple) -> enum.Enum: ...
    def hang_up(self, ev: HangupCommand) -> enum.Enum: ...
    def diversion(self, n: int, target: Target) -> str: ...


class Handover:
    def __init__(self, host: TransferHost, transferring: enum.Enum) -> None:
        self.host, self.transferring = host, transferring
        self.control: TransferControl | None = None
        self.back: tuple = ()   # the host's steps when the call comes back to the user

    def start(self, ev: StartTransfer) -> enum.Enum:
        host = self.host
        host.hold.reset()   # the transfer holds the caller and bridges on its own
        n = len(host.legs) + 1
        host.legs[n] = host.transfer_leg(ev.target)
        self.control = TransferControl(user_leg=host.winner, target_leg=n)
        self.back = tuple(ev.back)
        return self._feed(ev)

    def take(self, ev) -> enum.Enum:
        """An input while the transfer runs."""
        leg = self.host.legs.get(getattr(ev, "leg", None))
        if leg is not None and isinstance(ev, LegAnswered):
            leg.status = "answered"
        elif leg is not None and isinstance(ev, (LegFailed, LegHungUp)):
            leg.status = "gone"
        return self._feed(ev)

    def refuse(self, ev) -> None:
        """A transfer command with no transfer to act on: refused, the call goes on."""
        self.host.do(CommandDone(ev.command_id, N_("refused: no transfer possible now")))

    def hang_up(self, ev: HangupCommand) -> enum.Enum:
        self.abandon("hung_up")
        return self.host.hang_up(ev)

    def abandon(self, reason: str) -> None:
        """The call ends under the transfer: it is reported failed."""
        if self.control is not None:
            self.host.do(TransferState(self.control.transfer_id, "failed", reason))
            self.control = None

    def _feed(self, ev) -> enum.Enum:
        host, settled = self.host, None
        for a in self.control.handle(ev):
            if isinstance(a, CancelLeg) and a.leg in host.legs:
                host.legs[a.leg].status = "gone"
            elif isinstance(a, StartTimer):
                host.timers.add(a.name)
            elif isinstance(a, CancelTimer):
                host.timers.discard(a.name)
            elif isinstance(a, Dial):
                a = replace(a, diversion=host.diversion(a.leg, a.target))
            host.do(a)
            if isinstance(a, Settled):
                settled = a
        if settled is None:
            return self.transferring
        host.timers.discard(self.control.timer)
        self.control = None
        return host.transfer_settled(settled, self.back)


def rows(bridged: enum.Enum, transferring: enum.Enum, others: tuple, after: tuple,
         hung_up: tuple) -> dict[tuple[enum.Enum, type], Go]:
    """The rows a call machine joins to its table: a transfer starts from `bridged`; while
    `transferring` every input goes to the transfer, which settles into one of `after`; a
    hang-up from the app ends in one of `hung_up`; a transfer command in any of `others`
    is refused."""
    during = (transferring, *after)
    return {
        (bridged, StartTransfer): go("transfer.start", *during),
        (bridged, CompleteTransfer): go("transfer.refuse", bridged),
        (bridged, CancelTransfer): go("transfer.refuse", bridged),
        **{(state, kind): go("transfer.refuse", state) for state in others for kind in COMMANDS},
        **{(transferring, kind): go("transfer.take", *during) for kind in INPUTS},
        (transferring, HangupCommand): go("transfer.hang_up", *hung_up),
    }
