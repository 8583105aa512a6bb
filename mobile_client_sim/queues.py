"""The app's queue screen: my queues with live status, log in/out, colleagues, callbacks."""
from __future__ import annotations

from .client import AppClient


def _selection(queue_ids: list[int] | None) -> dict:
    return {} if queue_ids is None else {"queue_ids": list(queue_ids)}


def my_queues(app: AppClient) -> list[dict]:
    """My queues, each with calls waiting, longest wait, members logged in and my state."""
    return app.request("GET", "/api/v1/me/queues")


def log_in(app: AppClient, queue_ids: list[int] | None = None) -> list[dict]:
    """Log in to the given queues, or to all of them (None), in one request."""
    return app.request("POST", "/api/v1/me/queues/login", json=_selection(queue_ids))


def log_out(app: AppClient, queue_ids: list[int] | None = None) -> list[dict]:
    return app.request("POST", "/api/v1/me/queues/logout", json=_selection(queue_ids))


def colleague_queues(app: AppClient, user_id: int) -> list[dict]:
    return app.request("GET", f"/api/v1/queues/members/{user_id}")


def log_colleague(app: AppClient, user_id: int, logged_in: bool,
                  queue_ids: list[int] | None = None) -> list[dict]:
    """A team leader logs a colleague in or out of some or all of their queues."""
    action = "login" if logged_in else "logout"
    return app.request("POST", f"/api/v1/queues/members/{user_id}/{action}",
                       json=_selection(queue_ids))


def callbacks(app: AppClient) -> list[dict]:
    """The callback list of my queues, longest waiting first."""
    return app.request("GET", "/api/v1/me/queues/callbacks")


def call_back(app: AppClient, callback_id: int, answered: bool) -> dict:
    """Start a callback, then mark it: answered removes it, unanswered keeps it."""
    app.request("POST", f"/api/v1/queues/callbacks/{callback_id}/start")
    return app.request("POST", f"/api/v1/queues/callbacks/{callback_id}/result",
                       json={"answered": answered})


def describe(queue: dict) -> str:
    """One line of the queue screen."""
    me = queue.get("me", {})
    return (f"{queue['id']:>4}  {queue['name']:<20} {me.get('state', '-'):<11} "
            f"waiting {queue['calls_waiting']} (longest {queue['longest_wait_s']} s)  "
            f"logged in {queue['logged_in']}/{queue['members']}  "
            f"available {queue['available']}  wrap-up {queue['in_wrap_up']}")
