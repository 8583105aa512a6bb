"""The app's view of live calls: my calls in progress, hanging one up, holding and
retrieving one (each command idempotent)."""
from __future__ import annotations

import uuid

from .client import AppClient
from .events import EventStream

FINISHED = ("done", "failed")


def my_calls(app: AppClient) -> list[dict]:
    """My calls in progress (ringing or answered), oldest first."""
    return app.request("GET", "/api/v1/me/calls")


def hang_up(app: AppClient, call_id: int, key: str | None = None) -> dict:
    """Ask the gateway holding the call to hang it up; a retry with the same key is the same
    command. Returns the command (state pending, running, done or failed)."""
    return app.request("POST", f"/api/v1/me/calls/{call_id}/hangup",
                       headers={"Idempotency-Key": key or uuid.uuid4().hex})


def hold(app: AppClient, call_id: int, on: bool = True, key: str | None = None) -> dict:
    """Put a connected call on hold (the other party hears music) or take it off hold."""
    return app.request("POST", f"/api/v1/me/calls/{call_id}/{'hold' if on else 'retrieve'}",
                       headers={"Idempotency-Key": key or uuid.uuid4().hex})


def take_back(app: AppClient, call_id: int, key: str | None = None) -> dict:
    """Take a call back from my voicemail: my devices ring again."""
    return app.request("POST", f"/api/v1/me/calls/{call_id}/take-back",
                       headers={"Idempotency-Key": key or uuid.uuid4().hex})


def command(app: AppClient, command_id: int) -> dict:
    return app.request("GET", f"/api/v1/me/calls/commands/{command_id}")


def wait_done(app: AppClient, command_id: int, timeout_s: float = 10.0) -> dict:
    """The command once the gateway has executed it, heard on the event stream (no polling);
    as it stands after `timeout_s` otherwise."""
    with EventStream(app) as stream:
        got = command(app, command_id)  # it may have finished before the stream opened
        if got["state"] in FINISHED:
            return got
        heard = stream.wait_for(lambda e: e.kind == "command" and e.data["id"] == command_id
                                and e.data["state"] in FINISHED, timeout_s)
    return heard.data if heard is not None else command(app, command_id)
