"""Sequential ringing for call control (pure): legs that ring for their turn only.

A ring step's target may carry `ring_for` (one after another): the leg is dialled when its
`delay` is over (a `dial:<n>` timer) and cancelled when its turn is over (a `stop:<n>`
timer); the step is over when nothing rings and nothing waits for its turn. A phone that
is busy or declines passes its turn to the next at once.
"""
from __future__ import annotations

import enum
from typing import Protocol

from .callmessages import CancelLeg, Dial


class RingHost(Protocol):
    """What `Turns` needs of the machine it rings for."""

    legs: dict                 # n -> leg with `target` and `status`
    timers: set[str]

    def do(self, *actions) -> None: ...
    def start_timer(self, name: str, seconds: float) -> None: ...
    def cancel_timer(self, name: str) -> None: ...
    def live_legs(self) -> list[int]: ...
    def step_over(self) -> enum.Enum: ...
    def diversion(self, n: int, target) -> str: ...


class Turns:
    def __init__(self, host: RingHost) -> None:
        self.host = host

    def dial(self, n: int) -> None:
        """Dial leg `n`; one that rings for a while only (one after another) gets its end."""
        leg = self.host.legs[n]
        leg.status = "dialled"
        self.host.do(Dial(n, leg.target, self.host.diversion(n, leg.target)))
        if leg.target.ring_for:
            self.host.start_timer(f"stop:{n}", leg.target.ring_for)

    def stop_leg(self, n: int) -> enum.Enum | None:
        """Leg `n` has rung its turn: cancel it. The step's next state when it is over."""
        leg = self.host.legs[n]
        if leg.status in ("dialled", "ringing"):
            leg.status = "gone"
            self.host.do(CancelLeg(n))
        return self.all_gone()

    def next_turn(self) -> None:
        """Dial now the waiting legs whose turn comes first (their own timers cancelled)."""
        legs = self.host.legs
        waiting = [n for n, leg in legs.items() if leg.status == "waiting"]
        if not waiting:
            return
        first = min(legs[n].target.delay for n in waiting)
        for n in waiting:
            if legs[n].target.delay == first:
                self.host.cancel_timer(f"dial:{n}")
                self.dial(n)

    def gave_up(self, n: int) -> None:
        """Leg `n` failed while ringing (busy, declined): its turn needs no end any more,
        and, one after another, the next turn starts at once."""
        self.host.cancel_timer(f"stop:{n}")
        if self.host.legs[n].target.ring_for and not self.host.live_legs():
            self.next_turn()

    def all_gone(self) -> enum.Enum | None:
        """The step's next state when nothing rings or waits any more (None: it goes on)."""
        if self.host.live_legs() or any(x.status == "waiting" for x in self.host.legs.values()):
            return None
        return self.host.step_over()
