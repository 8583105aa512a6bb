"""The app's view of live calls: my calls in progress, and hanging one up (idempotent)."""
from __future__ import annotations

import time
import uuid

from .client import AppClient


def my_calls(app: AppClient) -> list[dict]:
    """My calls in progress (ringing or answered), oldest first."""
    return app.request("GET", "/api/v1/me/calls")


def hang_up(app: AppClient, call_id: int, key: str | None = None) -> dict:
    """Ask the gateway holding the call to hang it up; a retry with the same key is the same
    command. Returns the command (state pending, running, done or failed)."""
    return app.request("POST", f"/api/v1/me/calls/{call_id}/hangup",
                       headers={"Idempotency-Key": key or uuid.uuid4().hex})


def command(app: AppClient, command_id: int) -> dict:
    return app.request("GET", f"/api/v1/me/calls/commands/{command_id}")


def wait_done(app: AppClient, command_id: int, timeout_s: float = 10.0) -> dict:
    """Poll the command until the gateway has executed it (or `timeout_s` passed)."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = command(app, command_id)
        if got["state"] in ("done", "failed") or time.monotonic() > deadline:
            return got
        time.sleep(0.2)
