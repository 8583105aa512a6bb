"""A queue call's distribution rounds (pure): the distribution is asked (`AskNext`, one round
number per question) and answers with the members to ring (`Decided`); their devices ring
for its ring time, then the members who let it ring out, or whose every device refused, are
reported (`no_answer`: the queue's no-answer policy) and it is asked again. Nobody to ring:
the call asks again after a pause, or at once when a member may have become free (`Nudge`).
An answer to an earlier round is ignored."""
from __future__ import annotations

import enum
from typing import Protocol

from .callmessages import LegFailed, TimerFired
from .queuemessages import AskNext, Decided, Nudge, PushMember, QueueStep


class RoundsHost(Protocol):
    """What `Rounds` needs of the queue call it works for."""

    state: enum.Enum
    queue: QueueStep
    call_id: int | None
    ringing: dict[int, set[int]]   # member -> their ringing legs
    timers: set[str]

    def do(self, *actions) -> None: ...
    def start_timer(self, name: str, seconds: float) -> None: ...
    def cancel_timer(self, name: str) -> None: ...
    def write(self, op: str, user_id: int | None = None) -> None: ...
    def ring_member(self, user: int, targets, ring_for_s: float) -> set[int]: ...
    def stop_ringing(self, reason: str, keep: int | None = None) -> list[int]: ...
    def members_leg(self, n: int) -> bool: ...
    def last_device_failed(self, ev: LegFailed) -> int | None: ...
    def fail(self, reason: str) -> enum.Enum: ...


class Rounds:
    def __init__(self, host: RoundsHost) -> None:
        self.host = host
        self.round = 0

    def ask(self) -> None:
        self.round += 1
        self.host.do(AskNext(self.host.call_id, self.round))

    def decided(self, ev: Decided) -> None:
        host = self.host
        if ev.round != self.round or host.ringing:
            return  # an answer to an earlier question
        reachable = []
        for m in ev.ring:
            if m.targets:
                reachable.append(m)
            else:  # no device to ring: the distribution moves on from this member
                host.write("no_answer", m.user_id)
        if not reachable:
            host.start_timer(f"retry:{self.round}", host.queue.retry_s)
            return
        for m in reachable:
            host.ring_member(m.user_id, m.targets, ev.ring_for_s)
        host.start_timer(f"ring:{self.round}", ev.ring_for_s)

    def nudge(self, _ev: Nudge) -> None:
        retry = f"retry:{self.round}"
        if retry in self.host.timers:
            self.host.cancel_timer(retry)
            self.ask()

    def timer(self, ev: TimerFired) -> None:
        """A round's ring time (or pause) is over: report who let it ring out, ask again."""
        if ev.name.startswith("ring:"):
            for user in self.host.stop_ringing("ended"):
                self.host.write("no_answer", user)
        self.ask()

    def device_failed(self, ev: LegFailed) -> enum.Enum:
        host = self.host
        if not host.members_leg(ev.leg):
            return host.fail(f"failure of leg {ev.leg} that is not a member's")
        user = host.last_device_failed(ev)
        if user is None:
            return host.state
        # every device of this member refused (busy, declined, unreachable)
        host.ringing.pop(user, None)
        host.do(PushMember(user, "ended", "ended"))
        host.write("no_answer", user)
        if not host.ringing:
            host.cancel_timer(f"ring:{self.round}")
            host.start_timer(f"retry:{self.round}", host.queue.retry_s)
        return host.state
