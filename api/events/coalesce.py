"""Bursts of `queue` events made calm, for one stream: pure (the caller passes the instant).

A queue's counters may change many times a second while calls arrive and members answer.
A stream sends at most one `queue` event per queue per `interval_s`, always with the latest
state: an older event of a queue is dropped when a newer one of the same queue is waiting,
and an event of a queue sent less than `interval_s` ago waits until the interval is over.

Events leave in the order of their ids, so a reconnect's `Last-Event-ID` never skips one:
the events behind a waiting `queue` event wait with it (at most `interval_s`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

QUEUE = "queue"


def superseded(rows: list) -> list:
    """The rows without the `queue` events that a later one of the same queue replaces."""
    latest = {r.queue_id: r.id for r in rows if r.kind == QUEUE}
    return [r for r in rows if r.kind != QUEUE or latest[r.queue_id] == r.id]


@dataclass
class Coalescer:
    interval_s: float = 0.25
    waiting: list = field(default_factory=list)
    sent_at: dict = field(default_factory=dict)   # queue id -> when its last event left

    def add(self, rows: list) -> None:
        self.waiting = superseded(self.waiting + list(rows))

    def release(self, at: float) -> list:
        """The rows that may leave at `at`, in id order; the others keep waiting."""
        out = []
        for i, row in enumerate(self.waiting):
            if row.kind == QUEUE:
                last = self.sent_at.get(row.queue_id)
                if last is not None and at - last < self.interval_s:
                    self.waiting = self.waiting[i:]
                    return out
                self.sent_at[row.queue_id] = at
            out.append(row)
        self.waiting = []
        return out

    def wake_at(self) -> float | None:
        """When the first waiting row may leave (None: nothing waits)."""
        if not self.waiting:
            return None
        head = self.waiting[0]
        return self.sent_at.get(head.queue_id, 0.0) + self.interval_s
