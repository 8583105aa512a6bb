"""The text of an event stream (Server-Sent Events) for one app session.

Runs after the request has ended (no request context, no database session held): it waits
on the worker's hub, writes each event as `id:`/`event:`/`data:` lines, a comment line as
heartbeat when idle, and ends when the access token expires or the session is revoked.
`queue` events are coalesced per queue (`coalesce`) and shaped for the user (`shown`).
"""
from __future__ import annotations

import json
import time
from typing import Iterator

from .coalesce import QUEUE, Coalescer, superseded
from .hub import Audience, Hub

RETRY_MS = 2000
QUEUE_INTERVAL_S = 0.25


def shown(row, audience: Audience) -> dict:
    """The event's data for this user: a queue's as `/me/queues` shows it (with `me` for a
    member; a leader who is not one gets the queue's status alone)."""
    if row.kind != QUEUE:
        return row.data
    me = row.data.get("members", {}).get(str(audience.user_id))
    return {**row.data["queue"], "me": me} if me is not None else row.data["queue"]


def frame(row, audience: Audience) -> str:
    data = json.dumps(shown(row, audience), separators=(',', ':'))
    return f"id: {row.id}\nevent: {row.kind}\ndata: {data}\n\n"


def _note(kind: str, data: dict) -> str:
    """An event without an id (it is about the stream itself, never replayed)."""
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"


def events(hub: Hub, audience: Audience, last_event_id: int | None, expires_at: int,
           heartbeat_s: float, clock=time.time, monotonic=time.monotonic,
           queue_interval_s: float = QUEUE_INTERVAL_S) -> Iterator[str]:
    stream, cursor = hub.open(audience)
    seen = last_event_id or 0
    calm = Coalescer(queue_interval_s)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        # The window is checked whatever this worker has read so far: its reader may be behind
        # the id the app saw (served by another worker), and then replays nothing.
        if last_event_id is not None:
            missed = hub.replay(audience, last_event_id, cursor)
            if missed is None:
                yield _note("reset", {"detail": "Events since the given Last-Event-ID are no "
                                      "longer kept: reload the state with the REST API"})
            else:
                for row in superseded(missed):
                    yield frame(row, audience)
                    if _ends(row, audience):
                        return
        while True:
            left = expires_at - clock()
            if left <= 0:
                yield _note("token_expired", {"detail": "The access token has expired: "
                                              "refresh it and reconnect with Last-Event-ID"})
                return
            wake = calm.wake_at()
            wait = min(heartbeat_s, left) if wake is None else \
                max(0.0, min(wake - monotonic(), left))
            # an app that saw later ids through another worker gets none of them twice
            calm.add([r for r in stream.take(wait) if r.id > seen])
            if stream.overflowed:
                yield _note("reset", {"detail": "Too many events were waiting for this "
                                      "stream: reload the state with the REST API"})
                return
            rows = calm.release(monotonic())
            if not rows:
                if wake is None and not calm.waiting:
                    yield ": heartbeat\n\n"
                continue
            for row in rows:  # all later than those replayed (see `Hub.open`)
                yield frame(row, audience)
                if _ends(row, audience):
                    return
    finally:
        hub.close(stream)


def _ends(row, audience: Audience) -> bool:
    return row.kind == "session_revoked" and row.session_id == audience.session_id
