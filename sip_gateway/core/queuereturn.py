"""A member's transfer that came back (pure): the member's devices that rang for the call
ring again for the queue's ring time; answered, the member talks to the caller again;
refused or unanswered, the call is over for the member and the caller goes to the queue's
overflow destination (or is hung up)."""
from __future__ import annotations

import enum
from typing import Protocol

from .callmessages import Bridge, LegAnswered, LegFailed, TimerFired
from .queuemessages import QueueStep

BACK = "back"                 # the timer of a transfer that came back to the member


class ReturnHost(Protocol):
    """What `MemberReturn` needs of the queue call it works for."""

    legs: dict                 # n -> leg with `user_id`, `target`, `status`
    ringing: dict[int, set[int]]
    member: int | None
    winner: int | None
    queue: QueueStep
    timers: set[str]

    def do(self, *actions) -> None: ...
    def start_timer(self, name: str, seconds: float) -> None: ...
    def cancel_timer(self, name: str) -> None: ...
    def ring_member(self, user: int, targets, ring_for_s: float) -> set[int]: ...
    def stop_ringing(self, reason: str, keep: int | None = None) -> list[int]: ...
    def members_leg(self, n: int) -> bool: ...
    def last_device_failed(self, ev: LegFailed) -> int | None: ...
    def release_member(self, op: str = "ended") -> None: ...
    def drop_legs(self, keep: int | None = None) -> None: ...
    def overflow(self) -> enum.Enum: ...
    def fail(self, reason: str) -> enum.Enum: ...
    def end(self) -> enum.Enum: ...


class MemberReturn:
    def __init__(self, host: ReturnHost, returning: enum.Enum, bridged: enum.Enum) -> None:
        self.host, self.returning, self.bridged = host, returning, bridged

    def ring_again(self) -> enum.Enum:
        """The transfer came back: the member's devices that rang for this call ring again."""
        host, targets = self.host, []
        for leg in host.legs.values():
            if leg.user_id == host.member and leg.target not in targets:
                targets.append(leg.target)
        host.winner = None
        legs = host.ring_member(host.member, targets, host.queue.ring_time_s)
        host.start_timer(BACK, host.queue.ring_time_s)
        return self.returning if legs else self._unanswered()

    def _unanswered(self) -> enum.Enum:
        """The member did not take the call back: it is over for them, and the caller goes
        to the queue's overflow destination (or is hung up)."""
        host = self.host
        host.cancel_timer(BACK)
        host.stop_ringing("ended")
        host.release_member()
        return host.overflow()

    def took_it(self, ev: LegAnswered) -> enum.Enum:
        host = self.host
        leg = host.legs.get(ev.leg)
        if leg is None or leg.user_id is None or leg.user_id != host.member:
            return host.fail(f"answer from leg {ev.leg} that is not the member's")
        leg.status = "answered"
        host.winner = ev.leg
        host.cancel_timer(BACK)
        host.stop_ringing("answered_elsewhere", keep=ev.leg)
        host.do(Bridge(ev.leg))
        return self.bridged

    def device_failed(self, ev: LegFailed) -> enum.Enum:
        if not self.host.members_leg(ev.leg):
            return self.host.fail(f"failure of leg {ev.leg} that is not a member's")
        if self.host.last_device_failed(ev) is not None:
            return self._unanswered()
        return self.returning

    def timer(self, ev: TimerFired) -> enum.Enum:
        if ev.name == BACK and BACK in self.host.timers:
            self.host.timers.discard(BACK)
            return self._unanswered()
        return self.returning

    def caller_gone(self, _ev) -> enum.Enum:
        host = self.host
        host.stop_ringing("ended")
        host.drop_legs()
        host.release_member()
        return host.end()
