"""A call session's named timers on the gateway's timer heap.

At most one timer of a name runs; starting it again replaces it. A timer that must not fire
any more (cancelled, replaced, or the call over) lets go of the session at once
(`Adapter.cancel_timer`): otherwise the heap would keep an ended call, with everything it
was made of, alive until the timer's time (a ring timeout's 25 s).
"""
from __future__ import annotations


class SessionTimers:
    def __init__(self, gw) -> None:
        self._gw = gw
        self._running: dict[str, tuple[int, object]] = {}   # name -> (token, the heap's timer)
        self._seq = 0

    def __contains__(self, name: str) -> bool:
        return name in self._running

    def start(self, name: str, seconds: float, fired) -> None:
        """`fired(name, token)` runs in `seconds` unless cancelled first."""
        self.cancel(name)
        self._seq += 1
        self._running[name] = (self._seq, self._gw.start_timer(seconds, fired, name, self._seq))

    def cancel(self, name: str) -> None:
        _token, timer = self._running.pop(name, (None, None))
        if timer is not None:
            self._gw.cancel_timer(timer)

    def due(self, name: str, token: int) -> bool:
        """The timer that fired is the one running under its name (not one replaced)."""
        if self._running.get(name, (None,))[0] != token:
            return False
        del self._running[name]
        return True

    def clear(self) -> None:
        for name in list(self._running):
            self.cancel(name)
