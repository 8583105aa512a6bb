"""Fan-out in one worker process: one reader of the outbox hands new events to its streams.

The reader wakes when there may be something new — PostgreSQL: a `LISTEN pbx_events`
connection of its own (the writers `NOTIFY` in the transaction of the event); SQLite: a
poll every `poll_s` (200 ms) — and reads every event past the last one it saw with a single
query for all the streams of the process. Each stream keeps only the events its user may
see. Once a minute it deletes the events older than the replay window.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select

from ..core.clock import now
from .models import OutboxEvent
from .outbox import CHANNEL

log = logging.getLogger(__name__)
_COLUMNS = (OutboxEvent.id, OutboxEvent.tenant_id, OutboxEvent.kind, OutboxEvent.user_id,
            OutboxEvent.session_id, OutboxEvent.queue_id, OutboxEvent.data)
BATCH = 1000
PRUNE_EVERY_S = 60.0


@dataclass(frozen=True)
class Audience:
    """Who a stream serves: its events are those this user may see."""

    tenant_id: int
    user_id: int
    session_id: int
    queue_admin: bool = False    # configures queues: sees every queue
    queue_leader: bool = False   # logs others in and out: every queue not hidden

    def sees(self, row) -> bool:
        return (row.tenant_id == self.tenant_id
                and (row.user_id is None or row.user_id == self.user_id)
                and (row.session_id is None or row.session_id == self.session_id)
                and (row.queue_id is None or self.sees_queue(row.data)))

    def sees_queue(self, data: dict) -> bool:
        """A queue's event (see `raised.on_queues_changed`) is for the members it names
        and for the company's queue leaders and administrators."""
        if str(self.user_id) in data.get("members", {}):
            return True
        return self.queue_admin or (self.queue_leader and not data.get("hidden"))


@dataclass(eq=False)
class Stream:
    """One open stream: the events waiting for it, and a wake-up."""

    audience: Audience
    limit: int = 1000
    pending: deque = field(default_factory=deque)
    overflowed: bool = False
    _ready: threading.Condition = field(default_factory=threading.Condition)

    def offer(self, rows) -> None:
        mine = [r for r in rows if self.audience.sees(r)]
        if not mine:
            return
        with self._ready:
            self.pending.extend(mine)
            if len(self.pending) > self.limit:  # a client that stopped reading
                self.overflowed = True
                self.pending.clear()
            self._ready.notify()

    def take(self, timeout: float) -> list:
        with self._ready:
            if not self.pending and not self.overflowed:
                self._ready.wait(timeout)
            taken = list(self.pending)
            self.pending.clear()
            return taken


class Hub:
    def __init__(self, engine, *, poll_s: float = 0.2, keep_s: float = 600.0) -> None:
        self._engine, self.poll_s, self.keep_s = engine, poll_s, keep_s
        self._streams: set[Stream] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.last_id = 0

    # -- streams --------------------------------------------------------------------------
    def open(self, audience: Audience) -> tuple[Stream, int]:
        """A new stream and the last event id read before it: it receives every later one."""
        self._start()
        stream = Stream(audience)
        with self._lock:
            self._streams.add(stream)
            return stream, self.last_id

    def close(self, stream: Stream) -> None:
        with self._lock:
            self._streams.discard(stream)

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    def replay(self, audience: Audience, after: int, upto: int) -> list | None:
        """The events past `after` up to `upto` this audience may see; None when `after`
        is older than the replay window (some were deleted: the app reloads)."""
        with self._engine.connect() as conn:
            oldest = conn.execute(select(func.min(OutboxEvent.id))).scalar()
            if oldest is not None and after < oldest - 1:
                return None
            rows = conn.execute(select(*_COLUMNS).where(
                OutboxEvent.id > after, OutboxEvent.id <= upto,
                OutboxEvent.tenant_id == audience.tenant_id).order_by(OutboxEvent.id)).all()
        return [r for r in rows if audience.sees(r)]

    # -- the reader -------------------------------------------------------------------------
    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            with self._engine.connect() as conn:
                self.last_id = conn.execute(select(func.max(OutboxEvent.id))).scalar() or 0
            target = self._listen if self._engine.dialect.name == "postgresql" else self._poll
            self._thread = threading.Thread(target=target, name="events-hub", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _poll(self) -> None:
        pruned = time.monotonic()
        while not self._stop.wait(self.poll_s):
            pruned = self._turn(pruned)

    def _listen(self) -> None:
        import psycopg

        url = self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        pruned = time.monotonic()
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    pruned = self._turn(pruned)  # what came while (re)connecting
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=5.0, stop_after=1):
                            pass
                        pruned = self._turn(pruned)
            except Exception:
                log.exception("event listener lost its connection",
                              extra={"event": "events_listen_error"})
                self._stop.wait(1.0)

    def _turn(self, pruned: float) -> float:
        try:
            while self.dispatch() == BATCH:
                pass
            if time.monotonic() - pruned >= PRUNE_EVERY_S:
                self.prune()
                return time.monotonic()
        except Exception:
            log.exception("reading the events failed", extra={"event": "events_read_error"})
        return pruned

    def dispatch(self) -> int:
        """Read what is new (one query) and hand it to the streams; how many events."""
        with self._engine.connect() as conn:
            rows = self._after(conn, self.last_id)
        if not rows:
            return 0
        with self._lock:  # a stream opened from now on starts after these
            self.last_id = rows[-1].id
            streams = list(self._streams)
        for stream in streams:
            stream.offer(rows)
        return len(rows)

    @staticmethod
    def _after(conn, last_id: int) -> list:
        return conn.execute(select(*_COLUMNS).where(OutboxEvent.id > last_id)
                            .order_by(OutboxEvent.id).limit(BATCH)).all()

    def prune(self) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(OutboxEvent).where(
                OutboxEvent.at < now() - timedelta(seconds=self.keep_s)))
