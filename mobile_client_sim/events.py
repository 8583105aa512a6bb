"""The app's live event stream (`GET /api/v1/me/events`, Server-Sent Events).

`EventStream` reads the stream in a thread of its own, keeps what arrived, and lets a flow
wait for the event it needs (`wait_for`) instead of polling a resource. It remembers the
last event id and resumes from it when it reconnects, as the app does.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import requests

from .client import AppClient


@dataclass(frozen=True)
class LiveEvent:
    kind: str
    data: dict
    id: int | None = None


def parse(lines: Iterator[str]) -> Iterator[LiveEvent | None]:
    """SSE lines to events; None for a comment (heartbeat), so a reader sees it live."""
    kind, data, last = "message", [], None
    for line in lines:
        if line == "":
            if data:
                yield LiveEvent(kind, json.loads("\n".join(data)), last)
            kind, data, last = "message", [], None
        elif line.startswith(":"):
            yield None
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                kind = value
            elif name == "data":
                data.append(value)
            elif name == "id" and value.isdigit():
                last = int(value)


def open_stream(app: AppClient, last_event_id: int | None = None,
                timeout: float = 60.0) -> requests.Response:
    """The HTTP response of a new stream (refreshing the session once on 401)."""
    def send() -> requests.Response:
        headers = {"Authorization": f"Bearer {app.access_token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        app.requests_sent += 1
        return app.http.get(app.base_url + "/api/v1/me/events", headers=headers, stream=True,
                            timeout=(10, timeout))
    resp = send()
    if resp.status_code == 401 and app.refresh_token:
        resp.close()
        app.refresh()
        resp = send()
    if resp.status_code != 200:
        app._result(resp)  # raises the problem
    return resp


def events(app: AppClient, last_event_id: int | None = None) -> Iterator[LiveEvent | None]:
    """Events of one connection, as they arrive (None for each heartbeat), until it ends."""
    resp = open_stream(app, last_event_id)
    try:
        yield from parse(resp.iter_lines(decode_unicode=True))
    finally:
        resp.close()


def _socket(resp: requests.Response) -> socket.socket | None:
    """The socket a streamed response reads from. When the server says `Connection: close`
    (the event stream does), http.client drops it from the connection and only the
    response's file still holds it."""
    conn = getattr(resp.raw, "_connection", None) or getattr(resp.raw, "connection", None)
    sock = getattr(conn, "sock", None)
    if sock is None:
        body = getattr(getattr(resp.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(body, "raw", None), "_sock", None)
    return sock


class EventStream:
    """A stream read in the background; it reconnects with Last-Event-ID when the server
    ends it (token expiry) and stops for good on `session_revoked`."""

    def __init__(self, app: AppClient, *, last_event_id: int | None = None) -> None:
        self.app, self.last_id = app, last_event_id
        self.received: list[LiveEvent] = []
        self.connected = threading.Event()
        self.closed = threading.Event()
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._resp: requests.Response | None = None
        self._thread = threading.Thread(target=self._run, name="event-stream", daemon=True)

    def __enter__(self) -> "EventStream":
        self._thread.start()
        if not self.connected.wait(10):
            raise TimeoutError("the event stream did not open")
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading: the connection is shut down under the reader, which then ends."""
        self._stop.set()
        resp = self._resp
        sock = _socket(resp) if resp is not None else None
        try:
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)   # a blocked read returns at once
        except OSError:
            pass
        self._thread.join(5)
        if resp is not None:
            resp.close()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._resp = open_stream(self.app, self.last_id)
                self.connected.set()
                for event in parse(self._resp.iter_lines(decode_unicode=True)):
                    if event is None:
                        continue
                    with self._changed:
                        self.received.append(event)
                        if event.id is not None:
                            self.last_id = event.id
                        self._changed.notify_all()
                    if event.kind in ("session_revoked", "reset"):
                        return
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed by us, or the server went away
        finally:
            self.closed.set()
            with self._changed:
                self._changed.notify_all()

    def wait_for(self, match: Callable[[LiveEvent], bool], timeout: float = 10.0, *,
                 start: int = 0) -> LiveEvent | None:
        """The first event received (from the `start`-th on) that matches, waiting up to
        `timeout` for it."""
        deadline = time.monotonic() + timeout
        seen = start
        with self._changed:
            while True:
                for event in self.received[seen:]:
                    if match(event):
                        return event
                seen = len(self.received)
                left = deadline - time.monotonic()
                if left <= 0 or self.closed.is_set():
                    return None
                self._changed.wait(left)
