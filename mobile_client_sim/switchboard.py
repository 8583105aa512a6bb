"""The app's switchboard: the waiting calls of my queues, pick one, assign one to a
colleague (team leaders), raise its priority (team leaders)."""
from __future__ import annotations

from .client import AppClient


def waiting(app: AppClient, queue_id: int | None = None) -> list[dict]:
    """Every waiting call of my queues, the next to be answered first."""
    query = {"queue_id": queue_id} if queue_id is not None else None
    return app.request("GET", "/api/v1/switchboard/waiting", params=query)


def pick(app: AppClient, call_id: int) -> dict:
    """Answer a waiting call on my own devices: only they ring for it."""
    return app.request("POST", f"/api/v1/switchboard/waiting/{call_id}/pick")


def assign(app: AppClient, call_id: int, user_id: int) -> dict:
    return app.request("POST", f"/api/v1/switchboard/waiting/{call_id}/assign",
                       json={"user_id": user_id})


def set_priority(app: AppClient, call_id: int, priority: int) -> dict:
    return app.request("POST", f"/api/v1/switchboard/waiting/{call_id}/priority",
                       json={"priority": priority})


def describe(call: dict) -> str:
    """One line of the switchboard."""
    who = (call.get("hit") or {}).get("name") or call.get("caller_name") or ""
    mark = {"vip": " VIP", "returned": " back", "raised": " raised"}.get(
        call.get("priority_reason") or "", "")
    target = f"  for user {call['target_user_id']}" if call.get("target_user_id") else ""
    return (f"{call['id']:>5}  {call['queue_name']:<16} #{call['position']:<3} "
            f"{call['caller_number'] or 'anonymous':<14} {who:<24} "
            f"waiting {call['wait_s']} s  priority {call['priority']}{mark}{target}")
