"""What the gateway's call machines share (pure): one input in, the actions out; legs that
were cancelled answer late; timers as data; an input the state does not accept fails."""
from __future__ import annotations

from typing import ClassVar

from .callmessages import CancelLeg, CancelTimer, LegAnswered, StartTimer

ENDED = "ended"


class LegMachine:
    """Mixed into a dataclass with `state`, `legs` (n -> object with `status`), `timers`
    (a set of names) and `_out` (a list); the subclass sets `transitions` and `_fail`."""

    transitions: ClassVar[dict] = {}

    def handle(self, event) -> list:
        if self.state == ENDED:
            return []
        leg = self.legs.get(getattr(event, "leg", None))
        if leg is not None and leg.status == "gone":
            # a leg already cancelled: its late answer is hung up, anything else is noise
            return [CancelLeg(event.leg)] if isinstance(event, LegAnswered) else []
        name = self.transitions.get((self.state, type(event)))
        self._out = []
        if name is None:
            self._fail(f"{type(event).__name__} in state {self.state}")
        else:
            getattr(self, name)(event)
        out, self._out = self._out, []
        return out

    def _fail(self, reason: str) -> None:
        raise NotImplementedError

    def _do(self, *actions) -> None:
        self._out.extend(actions)

    def _timer(self, name: str, seconds: float) -> None:
        self.timers.add(name)
        self._do(StartTimer(name, seconds))

    def _stop_timers(self) -> None:
        for name in sorted(self.timers):
            self._do(CancelTimer(name))
        self.timers.clear()
