"""The app's Voicemail screen: my messages, listening (saved to a file), marking heard,
deleting; my greetings."""
from __future__ import annotations

from pathlib import Path

from .client import AppClient

BASE = "/api/v1/me/voicemail"


def messages(app: AppClient, unread: bool = False) -> list[dict]:
    return app.request("GET", BASE, params={"unread": "true"} if unread else None)


def _bytes(app: AppClient, path: str) -> bytes:
    resp = app._send("GET", path)
    if resp.status_code == 401 and app.refresh_token:
        app.refresh()
        resp = app._send("GET", path)
    if resp.status_code >= 400:
        app._result(resp)  # raises the problem
    return resp.content


def play(app: AppClient, message_id: int, out: Path) -> tuple[Path, dict]:
    """Download a message's audio to `out` and mark it heard, as the app does when it has
    played it; (the file, the message as it is now)."""
    out.write_bytes(_bytes(app, f"{BASE}/{int(message_id)}/audio"))
    return out, app.request("PATCH", f"{BASE}/{int(message_id)}", json={"heard": True})


def delete(app: AppClient, message_id: int) -> None:
    app.request("DELETE", f"{BASE}/{int(message_id)}")


def upload_greeting(app: AppClient, kind: str, audio: Path) -> dict:
    return app.request("PUT", f"{BASE}/greetings/{kind}", data=audio.read_bytes(),
                       headers={"Content-Type": "application/octet-stream"})


def greetings(app: AppClient) -> list[dict]:
    return app.request("GET", f"{BASE}/greetings")
