"""Sequential ringing for call control (pure): legs that ring for their turn only.

A ring step's target may carry `ring_for` (one after another): the leg is dialled when its
`delay` is over (a `dial:<n>` timer) and cancelled when its turn is over (a `stop:<n>`
timer); the step is over when nothing rings and nothing waits for its turn. A phone that
is busy or declines passes its turn to the next at once.
"""
from __future__ import annotations

from .callmessages import CancelLeg, CancelTimer, Dial


class TurnsMixin:
    """Mixed into `CallControl` (uses its `legs`, `timers`, `_do`, `_timer`, `_live_legs`
    and `_step_over`)."""

    def _dial(self, n: int) -> None:
        """Dial leg `n`; one that rings for a while only (one after another) gets its end."""
        leg = self.legs[n]
        leg.status = "dialled"
        self._do(Dial(n, leg.target))
        if leg.target.ring_for:
            self._timer(f"stop:{n}", leg.target.ring_for)

    def _stop_leg(self, n: int) -> None:
        """Leg `n` has rung its turn: cancel it; the step is over when nothing else rings
        or waits for its turn."""
        if self.legs[n].status in ("dialled", "ringing"):
            self.legs[n].status = "gone"
            self._do(CancelLeg(n))
        self._all_gone()

    def _next_turn(self) -> None:
        """Dial now the waiting legs whose turn comes first (their own timers cancelled)."""
        waiting = [n for n, leg in self.legs.items() if leg.status == "waiting"]
        if not waiting:
            return
        first = min(self.legs[n].target.delay for n in waiting)
        for n in waiting:
            if self.legs[n].target.delay == first:
                self.timers.discard(f"dial:{n}")
                self._do(CancelTimer(f"dial:{n}"))
                self._dial(n)

    def _gave_up(self, n: int) -> None:
        """Leg `n` failed while ringing (busy, declined): its turn needs no end any more,
        and, one after another, the next turn starts at once."""
        if f"stop:{n}" in self.timers:
            self.timers.discard(f"stop:{n}")
            self._do(CancelTimer(f"stop:{n}"))
        if self.legs[n].target.ring_for and not self._live_legs():
            self._next_turn()

    def _all_gone(self) -> None:
        if not self._live_legs() and not any(x.status == "waiting" for x in self.legs.values()):
            self._step_over()
