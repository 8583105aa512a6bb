"""The app's Messages screen: count a text as it is typed, send it, follow its delivery."""
from __future__ import annotations

import time

from .client import AppClient

FINAL = ("delivered", "failed", "opted_out")


def preview(app: AppClient, text: str) -> dict:
    """What the counter under the text box shows: encoding, SMS parts, places left."""
    return app.request("POST", "/api/v1/messages/preview", json={"text": text})


def recipients_from(tokens: list[str]) -> tuple[dict, str | None]:
    """`group:3`, `contact:7`, `user:12` or a number in any format; `from:ACME` picks the
    sender. Returns the request's recipient fields and the sender (None: the default)."""
    body: dict[str, list] = {"numbers": [], "contact_ids": [], "user_ids": [], "group_ids": []}
    keys = {"group": "group_ids", "contact": "contact_ids", "user": "user_ids"}
    sender = None
    for token in tokens:
        kind, sep, value = token.partition(":")
        if sep and kind == "from":
            sender = value
        elif sep and kind in keys:
            body[keys[kind]].append(int(value))
        else:
            body["numbers"].append(token)
    return {k: v for k, v in body.items() if v}, sender


def send(app: AppClient, text: str, recipients: dict, sender: str | None = None) -> dict:
    body = {"text": text, **recipients}
    if sender:
        body["sender"] = sender
    return app.request("POST", "/api/v1/messages", json=body)


def message(app: AppClient, message_id: int) -> dict:
    return app.request("GET", f"/api/v1/messages/{message_id}")


def follow(app: AppClient, message_id: int, timeout_s: float = 20,
           until: tuple[str, ...] = FINAL) -> dict:
    """Poll the message (as the app refreshes its history) until every recipient's state is
    one of `until`, or the deadline passes; returns the last answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = message(app, message_id)
        if all(r["state"] in until for r in got["recipients"]) or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def history(app: AppClient) -> list[dict]:
    return app.request("GET", "/api/v1/me/messages")
