"""The app's transfer flow: open the app during a call (one request), tap Transfer on a
favourite (one request), optionally a long press to choose another method (no request)."""
from __future__ import annotations

import time
import uuid
from typing import Iterator

from .availability import short_time
from .client import AppClient
from .events import EventStream

METHODS = ("with_return", "blind", "attended")
FINAL = ("completed", "returned", "cancelled", "failed")


def open_screen(app: AppClient, q: str | None = None) -> dict:
    """My calls in progress, favourites, directory matches and queues: one request."""
    return app.request("GET", "/api/v1/me/transfer-targets", params={"q": q} if q else None)


def entries(screen: dict) -> list[dict]:
    """The screen's rows in the order shown: favourites, matches, queues."""
    return screen["favourites"] + screen["matches"] + screen["queues"]


def find(screen: dict, name: str) -> dict:
    needle = name.lower()
    for entry in entries(screen):
        if (entry.get("name") or "").lower().startswith(needle) or entry.get("number") == name:
            return entry
    raise LookupError(f"{name!r} is not on the transfer screen")


def transfer(app: AppClient, call_id: int, entry: dict, method: str | None = None,
             timeout_s: int | None = None, key: str | None = None) -> dict:
    """The tap: the entry's own transfer body, and one Idempotency-Key per tap (a retry of
    the same tap sends the same key)."""
    body = dict(entry["transfer"])
    if method:
        body["method"] = method
    if timeout_s:
        body["timeout_s"] = timeout_s
    return app.request("POST", f"/api/v1/me/calls/{call_id}/transfer", json=body,
                       headers={"Idempotency-Key": key or uuid.uuid4().hex})


def three_taps(app: AppClient, name: str, method: str | None = None) -> dict:
    """Open the app, (long press to pick `method`), tap Transfer on `name`.

    Returns the transfer, the taps and the requests it took."""
    before = app.requests_sent
    screen = open_screen(app)
    answered = [c for c in screen["calls"] if c["state"] == "answered"]
    if not answered:
        raise LookupError("no answered call to transfer")
    taps = 2 + (1 if method and method != screen["default_method"] else 0)
    done = transfer(app, answered[-1]["id"], find(screen, name), method)
    return {"transfer": done, "taps": taps, "requests": app.requests_sent - before}


def state(app: AppClient, transfer_id: int) -> dict:
    return app.request("GET", f"/api/v1/me/transfers/{transfer_id}")


def follow(app: AppClient, transfer_id: int, timeout_s: float = 60.0) -> Iterator[dict]:
    """The transfer at each change, heard on the event stream (no polling), until it has
    ended or `timeout_s` passed without a change.

    When the stream ends or resets (events it could not deliver), the app reloads the
    transfer over REST and listens on a new stream, as long as changes may still come."""
    shown: dict | None = None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with EventStream(app) as stream:
            now = state(app, transfer_id)  # where it is as the stream opens
            if shown is None or _changed(now, shown):
                shown, deadline = now, time.monotonic() + timeout_s
                yield now
            for heard in _changes(stream, transfer_id, shown, deadline):
                shown, deadline = heard, time.monotonic() + timeout_s
                yield heard
            reset = any(e.kind == "reset" for e in stream.received)
            if shown["state"] in FINAL or not (reset or stream.closed.is_set()):
                return  # ended, or nothing changed in time


def _changes(stream: EventStream, transfer_id: int, now: dict,
             deadline: float) -> Iterator[dict]:
    """The changes heard on `stream` until the transfer has ended, the deadline passed, or
    the stream ended or asked for a reload (`reset`)."""
    seen = 0
    while now["state"] not in FINAL:
        heard = stream.wait_for(lambda e: e.kind == "reset" or (
            e.kind == "transfer" and e.data["id"] == transfer_id),
            deadline - time.monotonic(), start=seen)
        if heard is None or heard.kind == "reset":
            return
        seen = stream.received.index(heard) + 1
        if _changed(heard.data, now):
            now = heard.data
            yield now


def _changed(new: dict, old: dict) -> bool:
    return new["updated_at"] != old["updated_at"] or new["state"] != old["state"]


def complete(app: AppClient, transfer_id: int) -> dict:
    """Attended: hand the caller over to the target I am talking to."""
    return app.request("POST", f"/api/v1/me/transfers/{transfer_id}/complete")


def cancel(app: AppClient, transfer_id: int) -> dict:
    """Take the caller back."""
    return app.request("POST", f"/api/v1/me/transfers/{transfer_id}/cancel")


def set_default_method(app: AppClient, method: str) -> dict:
    return app.request("PATCH", "/api/v1/me", json={"default_transfer_method": method})


def describe(entry: dict) -> str:
    """One row of the transfer screen."""
    extra = ""
    if entry["kind"] == "queue":
        extra = f"waiting {entry.get('calls_waiting')}  logged in {entry.get('members_logged_in')}"
    elif entry.get("availability"):
        a = entry["availability"]
        extra = a.get("name") or ""
        if a.get("until"):
            extra += f" until {short_time(a['until'])}"
        if entry.get("in_call"):
            extra += ", in a call"
    star = "*" if entry.get("favourite_id") else " "
    return f"{star} {entry['kind']:<11} {(entry.get('name') or ''):<24} " \
           f"{(entry.get('number') or ''):<14} {extra}"
