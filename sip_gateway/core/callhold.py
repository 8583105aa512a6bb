"""Hold and retrieve from the app (pure): while the user has a connected call on hold, the
other party hears hold music and the two hear nothing of each other; retrieve connects them
again. Both call machines own a `Hold` and join `rows()` to their table.

The machine only says which leg is held and when (`HoldCall`); the adapter knows who the
other party is (the caller of an incoming or queue call, the called party of a call the
user placed) and plays the music to them.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from i18n import N_

from .callmessages import CommandDone
from .machine import Go, go


@dataclass(frozen=True, slots=True)
class HoldCommand:
    """From the app: hold (`on`) or retrieve the call."""

    command_id: int
    on: bool


@dataclass(frozen=True, slots=True)
class HoldCall:
    """Action: unbridge `leg` from the caller and play hold music to the other party (`on`),
    or stop the music and bridge them again."""

    leg: int
    on: bool


class HoldHost(Protocol):
    winner: int | None

    def do(self, *actions) -> None: ...


class Hold:
    def __init__(self, host: HoldHost) -> None:
        self.host = host
        self.on = False

    def command(self, ev: HoldCommand) -> None:
        """In the bridged state: a hold that is already so is done at once (the app may send
        it twice)."""
        host = self.host
        if ev.on != self.on and host.winner is not None:
            self.on = ev.on
            host.do(HoldCall(host.winner, ev.on))
        host.do(CommandDone(ev.command_id, "done"))

    def refuse(self, ev: HoldCommand) -> None:
        self.host.do(CommandDone(ev.command_id, N_("refused: the call is not connected")))

    def reset(self) -> None:
        """The call left the user's hands (a transfer holds and bridges on its own)."""
        self.on = False


def rows(bridged: enum.Enum, others: tuple) -> dict[tuple[enum.Enum, type], Go]:
    """Hold and retrieve act in `bridged`; in any of `others` they are refused and the call
    goes on."""
    return {(bridged, HoldCommand): go("hold.command", bridged),
            **{(state, HoldCommand): go("hold.refuse", state) for state in others}}
