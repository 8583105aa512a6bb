"""The queue runner (`python -m api.queues.alerts`): every `every` seconds a round checks the
SLA alerts and calls back the lists of queues with automatic callback; between rounds it
wakes as soon as a queue with automatic callback may have work, so a caller who pressed 1 or
left the queue, or a member who became free, is called back within a second or two.

What wakes it (`QueueWaker`): the live events the API and the gateways write for every
change to a queue, its members, its calls or its callback list (the outbox's `queue` rows,
`api.queues.live`) — on PostgreSQL announced by `NOTIFY pbx_events` (the runner `LISTEN`s on
a connection of its own), on SQLite read every `poll_s` (a single indexed query) — and the
end of a member's wrap-up in such a queue (`autocallback.next_free_at`), which no write
announces.
"""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select

from ..core.clock import now
from ..events.models import OutboxEvent
from ..events.outbox import CHANNEL

log = logging.getLogger("api.queues")
BATCH = 1000
LISTEN_RETRY_S = 1.0


class QueueWaker:
    """Waits for the next change to any queue; hands back the ids of the queues changed."""

    def __init__(self, engine, *, poll_s: float = 0.5) -> None:
        self._engine, self.poll_s = engine, poll_s
        self._conn = None
        with engine.connect() as conn:   # only what is written from now on counts
            self.last_id = conn.execute(select(OutboxEvent.id).order_by(
                OutboxEvent.id.desc()).limit(1)).scalar() or 0

    def changed(self) -> set[int]:
        """The queues whose events were written since the last call (no waiting)."""
        found: set[int] = set()
        while True:
            with self._engine.connect() as conn:
                rows = conn.execute(select(OutboxEvent.id, OutboxEvent.kind,
                                           OutboxEvent.queue_id)
                                    .where(OutboxEvent.id > self.last_id)
                                    .order_by(OutboxEvent.id).limit(BATCH)).all()
            if rows:
                self.last_id = rows[-1].id
            found.update(r.queue_id for r in rows if r.kind == "queue" and r.queue_id)
            if len(rows) < BATCH:
                return found

    def wait(self, timeout: float, stop: threading.Event | None = None) -> set[int]:
        """Up to `timeout` seconds: the queues changed, as soon as there are some."""
        stop = stop or threading.Event()
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            found = self.changed()
            left = deadline - time.monotonic()
            if found or left <= 0 or stop.is_set():
                return found
            if self._engine.dialect.name == "postgresql":
                self._notified(min(left, 5.0))
            else:
                stop.wait(min(left, self.poll_s))

    def _notified(self, timeout: float) -> None:
        """Block until a NOTIFY on the events' channel (or `timeout`)."""
        try:
            if self._conn is None:
                import psycopg

                url = self._engine.url.set(drivername="postgresql").render_as_string(
                    hide_password=False)
                self._conn = psycopg.connect(url, autocommit=True)
                self._conn.execute(f"LISTEN {CHANNEL}")
                return   # listening from now on: read what came meanwhile first
            for _ in self._conn.notifies(timeout=timeout, stop_after=1):
                pass
        except Exception:
            log.warning("queue runner lost its event listener",
                        extra={"event": "queue_runner_listen_error"})
            self.close()
            time.sleep(min(timeout, LISTEN_RETRY_S))

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass


def serve(process, channels, every: float, *, once: bool = False,
          stop: threading.Event | None = None, idle: threading.Event | None = None) -> None:
    """The runner's loop: a full round every `every` seconds, automatic callback for the
    queues that changed in between (and when a member's wrap-up ends). `idle` is set while
    it waits between its work."""
    from ..sms.outbox import Outbox
    from . import alerts, autocallback

    stop, idle = stop or threading.Event(), idle or threading.Event()
    waker = QueueWaker(process.engine)
    next_round = 0.0
    try:
        while not stop.is_set():
            outbox, changed = Outbox(), None
            with process.sessions() as db:
                if time.monotonic() >= next_round:
                    alerts.check_all(db, channels, outbox)
                    autocallback.run(db)   # queues calling their callback list back themselves
                    next_round = time.monotonic() + every
                free_at = autocallback.next_free_at(db)
            outbox.flush()
            if once:
                return
            left = next_round - time.monotonic()
            if free_at is not None:
                left = min(left, max(0.0, (free_at - now()).total_seconds()) + 0.05)
            idle.set()
            changed = waker.wait(left, stop)
            idle.clear()
            freed = free_at is not None and now() >= free_at   # a wrap-up is over
            if changed or freed:
                with process.sessions() as db:
                    placed = autocallback.run(db, queue_ids=None if freed else changed)
                log.info("automatic callback woken", extra={
                    "event": "auto_callback_woken", "queues": sorted(changed),
                    "wrapup_over": freed, "placed": placed})
    finally:
        waker.close()
