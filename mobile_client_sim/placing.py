"""The app places calls: my device rings first, then the number I called (call-through),
and calling back a queue's missed caller from the callback list in one tap."""
from __future__ import annotations

import uuid

from .calls import wait_done
from .client import AppClient


def device_id(app: AppClient, which: str | None) -> int | None:
    """One of my devices by id or by kind (`softphone`, `deskphone`, `mobile`); None: the
    API's default (my mobile)."""
    if not which:
        return None
    if which.isdigit():
        return int(which)
    mine = app.request("GET", "/api/v1/me/devices")
    found = [d for d in mine if d["kind"] == which]
    if not found:
        raise LookupError(f"no {which} among my devices: "
                          + ", ".join(f"{d['id']} {d['kind']}" for d in mine))
    return found[0]["id"]


def place(app: AppClient, whom: dict, device: str | None = None, display: str | None = None,
          key: str | None = None) -> dict:
    """Place a call to `whom` ({"number": ...}, {"callback_id": ...}, ...); the `call`
    command (pending until the gateway takes it)."""
    body = {**whom, "device_id": device_id(app, device), "display_number": display}
    return app.request("POST", "/api/v1/me/calls",
                       json={k: v for k, v in body.items() if v is not None},
                       headers={"Idempotency-Key": key or uuid.uuid4().hex})


def outcome(app: AppClient, command_id: int, timeout_s: float = 90.0) -> dict:
    """The placed call's command once it is bridged or failed (heard on the event stream)."""
    return wait_done(app, command_id, timeout_s)
