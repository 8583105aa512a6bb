"""The phone's side of push: register this phone's token, receive pushes from the local sink."""
from __future__ import annotations

import json
import secrets
from typing import Iterator

import requests

from .client import AppClient


def new_token(platform: str) -> str:
    """A token of the provider's shape (APNs: 64 hex digits; FCM: a long opaque string)."""
    return secrets.token_hex(32) if platform == "ios" else "sim:" + secrets.token_urlsafe(96)


def register_device(app: AppClient, platform: str = "android", token: str | None = None, *,
                    token_kind: str | None = None, app_id: str = "no.example.pbx",
                    environment: str = "sandbox", locale: str = "nb-NO") -> dict:
    kind = token_kind or ("voip" if platform == "ios" else "fcm")
    return app.request("POST", "/api/v1/me/push-devices", json={
        "platform": platform, "token": token or new_token(platform), "token_kind": kind,
        "app_id": app_id, "environment": environment, "locale": locale})


def devices(app: AppClient) -> list[dict]:
    return app.request("GET", "/api/v1/me/push-devices")


def remove_device(app: AppClient, device_id: int) -> None:
    app.request("DELETE", f"/api/v1/me/push-devices/{device_id}")


def send_test(app: AppClient) -> dict:
    return app.request("POST", "/api/v1/me/push-devices/test")


def receive(sink_url: str, token: str, *, after: int = 0, wait: float = 25.0) -> list[dict]:
    """Pushes for `token` after id `after`, waiting up to `wait` seconds for the first."""
    resp = requests.get(f"{sink_url.rstrip('/')}/poll/{token}",
                        params={"after": after, "wait": wait}, timeout=wait + 10)
    resp.raise_for_status()
    return resp.json()


def listen(sink_url: str, token: str, *, after: int = 0, wait: float = 25.0) -> Iterator[dict]:
    """Every push as it arrives (long polling), for as long as the caller iterates."""
    while True:
        for push in receive(sink_url, token, after=after, wait=wait):
            after = push["id"]
            yield push


def _part(payload: dict, key: str) -> dict:
    value = payload.get(key) or {}
    return json.loads(value) if isinstance(value, str) else value  # FCM data values are strings


def _context(payload: dict) -> str:
    """Why this call is special, as the ringing screen says it under the caller's name."""
    ctx = _part(payload, "context")
    said = []
    if (ctx.get("queue") or {}).get("name"):
        said.append(f"via queue {ctx['queue']['name']}")
    if (ctx.get("transferred_by") or {}).get("name"):
        said.append(f"transferred by {ctx['transferred_by']['name']}")
    if (ctx.get("last_spoke_to") or {}).get("name"):
        said.append(f"last spoke to {ctx['last_spoke_to']['name']}")
    return f" ({', '.join(said)})" if said else ""


def describe(push: dict) -> str:
    """One line, as the phone would show it."""
    payload = push.get("payload", {})
    kind = payload.get("type") or push.get("kind")
    caller = _part(payload, "caller")
    who = caller.get("name") or caller.get("number") or "unknown number"
    if caller.get("company"):
        who += f" ({caller['company']})"
    text = {"incoming_call": f"Incoming call from {who}{_context(payload)}",
            "call_ended": f"Call ended ({payload.get('reason', 'ended')})",
            "missed_call": f"Missed call from {who}",
            "transfer_returned": f"The call to {payload.get('target')} came back",
            "test": "Test push: notifications reach this phone"}.get(kind, f"{kind} push")
    call = f" [call {payload['call_id']}]" if payload.get("call_id") else ""
    return text + call
