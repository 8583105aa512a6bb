"""A queue call's way out (pure): the caller leaves the queue for the overflow destination
(dialled like any leg), the queue's own mailbox on this gateway (the call is handed over to
the voicemail machine; a full mailbox is said, then the call ends), or is hung up when the
queue has none. Answered, the caller talks to the destination (FORWARDED, as after a
member's completed transfer) until one side hangs up."""
from __future__ import annotations

import enum
from typing import Callable, Protocol

from .callmessages import (AnswerCaller, Bridge, Dial, HangupCaller, LeaveMessage, LegAnswered,
                           LegFailed, Play, PlayMessage, RejectCaller, Target)
from .mailbox import Mailbox
from .queuemessages import QueueStep


class OverflowHost(Protocol):
    """What `Overflow` needs of the queue call it works for."""

    legs: dict                 # n -> leg with `user_id` (None: not a member's) and `status`
    queue: QueueStep | None
    winner: int | None
    answered: bool
    playing: bool
    mailbox: Mailbox           # the queue's own mailbox on this gateway

    def do(self, *actions) -> None: ...
    def stop_timers(self) -> None: ...
    def quiet(self) -> None: ...
    def drop_legs(self, keep: int | None = None) -> None: ...
    def fail(self, reason: str) -> enum.Enum: ...
    def end(self) -> enum.Enum: ...
    def diversion(self, n: int, target: Target) -> str: ...


class Overflow:
    def __init__(self, host: OverflowHost, make_leg: Callable[[int | None, Target], object],
                 ringing: enum.Enum, forwarded: enum.Enum, told: enum.Enum) -> None:
        self.host, self.make_leg = host, make_leg
        self.ringing, self.forwarded, self.told = ringing, forwarded, told

    def start(self) -> enum.Enum:
        """The caller leaves the queue for its overflow destination (or is hung up)."""
        host = self.host
        host.stop_timers()
        target = host.queue.overflow if host.queue else None
        if target is None:
            host.quiet()
            host.do(HangupCaller() if host.answered else RejectCaller(480))
            return host.end()
        if isinstance(target, LeaveMessage):  # the queue's mailbox takes the call on
            host.quiet()
            return host.mailbox.start(target)
        if isinstance(target, PlayMessage):   # the mailbox is full: said, then hung up
            host.quiet()
            host.playing = True
            host.do(Play(target.text, target.language, answer=True))
            return self.told
        n = len(host.legs) + 1
        host.legs[n] = self.make_leg(None, target)
        host.do(Dial(n, target, host.diversion(n, target)))
        return self.ringing

    def _ours(self, n: int) -> bool:
        leg = self.host.legs.get(n)
        return leg is not None and leg.user_id is None

    def answered(self, ev: LegAnswered) -> enum.Enum:
        host = self.host
        if not self._ours(ev.leg):
            return host.fail(f"answer from leg {ev.leg} that is not the overflow")
        host.legs[ev.leg].status = "answered"
        host.winner = ev.leg
        host.quiet()
        if not host.answered:
            host.answered = True
            host.do(AnswerCaller())
        host.do(Bridge(ev.leg))
        return self.forwarded

    def failed(self, ev: LegFailed) -> enum.Enum:
        host = self.host
        if not self._ours(ev.leg):
            return host.fail(f"failure of leg {ev.leg} that is not the overflow")
        host.legs[ev.leg].status = "gone"
        host.quiet()
        host.do(HangupCaller() if host.answered else RejectCaller(480))
        return host.end()

    def far_end_gone(self, ev) -> enum.Enum:
        """The destination (or a transfer's target) hung up: so is the caller."""
        host = self.host
        if ev.leg != host.winner:
            return host.fail(f"leg {ev.leg} ended but leg {host.winner} is bridged")
        host.legs[ev.leg].status = "gone"
        host.do(HangupCaller())
        return host.end()

    def caller_gone(self, _ev) -> enum.Enum:
        self.host.drop_legs()
        self.host.quiet()
        return self.host.end()
