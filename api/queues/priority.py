"""Caller priority in a queue (pure): who is answered first.

A caller's priority is a number, higher first; callers of equal priority are served in the
order they entered. VIP callers (the queue's VIP numbers, or a company contact tagged
"vip") start above everyone, callers who come back from a transfer or an overflow above the
rest; a team leader may raise any waiting call.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

NORMAL = 0
RETURNED = 5    # came back from a transfer, or overflowed from another queue
VIP = 10
MAX = 20        # the highest a team leader may set


@dataclass(frozen=True)
class Waiting:
    call_id: int
    priority: int
    entered_at: datetime
    ringing: bool = False          # the distribution already rings someone for it
    target: int | None = None      # picked or assigned: only that member


def caller_priority(caller: str | None, *, vip_numbers: frozenset[str] | set[str],
                    vip_contact: bool, returned: bool) -> tuple[int, str | None]:
    """(priority, reason) of a caller entering a queue."""
    if caller and (caller in vip_numbers or vip_contact):
        return VIP, "vip"
    if returned:
        return RETURNED, "returned"
    return NORMAL, None


def order_key(w: Waiting) -> tuple:
    return (-w.priority, w.entered_at, w.call_id)


def in_order(calls: list[Waiting] | tuple[Waiting, ...]) -> list[Waiting]:
    """The waiting calls in the order the queue serves them."""
    return sorted(calls, key=order_key)


def position(calls: list[Waiting] | tuple[Waiting, ...], call_id: int) -> int:
    """1-based place of a call in the queue's order (0 when it is not waiting)."""
    for i, w in enumerate(in_order(calls), 1):
        if w.call_id == call_id:
            return i
    return 0


def ahead_of(calls: list[Waiting] | tuple[Waiting, ...], call_id: int) -> int:
    """How many callers before this one still wait for the next free member: those ahead in
    the order that ring nobody yet and wait for the distribution (not for one chosen
    member)."""
    me = next((w for w in calls if w.call_id == call_id), None)
    if me is None:
        return 0
    mine = order_key(me)
    return sum(1 for w in calls if order_key(w) < mine and not w.ringing and w.target is None)
