"""Queue login scheduled by an administrator (pure): weekly windows in the company's time
zone when a member is logged in to a queue.

The schedule acts on its edges only: when a window opens the member is logged in, when it
closes logged out; in between the member (or a team leader) may still log in or out by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time


@dataclass(frozen=True)
class Window:
    days: frozenset[int]   # ISO weekdays, 1 = Monday
    start: time
    end: time              # an end at or before the start runs past midnight


def parse(raw: list[dict] | None) -> list[Window]:
    """Stored windows ({"days": [1..7], "start": "HH:MM", "end": "HH:MM"}) as values."""
    return [Window(frozenset(int(d) for d in w["days"]), time.fromisoformat(w["start"]),
                   time.fromisoformat(w["end"])) for w in raw or ()]


def _inside(w: Window, local: datetime) -> bool:
    t, day = local.time(), local.isoweekday()
    if w.start < w.end:
        return day in w.days and w.start <= t < w.end
    yesterday = 7 if day == 1 else day - 1
    return (day in w.days and t >= w.start) or (yesterday in w.days and t < w.end)


def scheduled_in(windows: list[Window], local: datetime) -> bool:
    """Is the member scheduled to be logged in at this local time?"""
    return any(_inside(w, local) for w in windows)


def change(windows: list[Window], local: datetime, last_applied: bool | None) -> bool | None:
    """The login to apply now (True/False), or None when the schedule has nothing to change
    (no edge since it was last applied)."""
    if not windows:
        return None
    want = scheduled_in(windows, local)
    return None if want == last_applied else want
