"""Helpers for tests of the app's live event stream: apps logged in over HTTP, and event ids
that never go back between tests."""
from __future__ import annotations

from sqlalchemy import text

from mobile_client_sim.client import AppClient
from tests.support.api import PASSWORD

_HIGH_WATER = 0


def ids_never_go_back(engine) -> None:
    """Event ids only grow, and the running workers rely on it; emptying the tables between
    tests restarts PostgreSQL's sequences, so each test continues where the last one was."""
    global _HIGH_WATER
    if engine.dialect.name != "postgresql":
        return  # SQLite's AUTOINCREMENT never reuses an id
    _HIGH_WATER += 1000
    with engine.begin() as conn:
        conn.execute(text("SELECT setval(pg_get_serial_sequence('events_outbox', 'id'), :n)"),
                     {"n": _HIGH_WATER})


def app_of(url: str, mobile: str) -> AppClient:
    client = AppClient(url)
    client.login(mobile, PASSWORD)
    return client


def user_id(app_client: AppClient) -> int:
    return app_client.request("GET", "/api/v1/me")["id"]


def presence_of(uid: int):
    return lambda e: e.kind == "presence" and e.data["user_id"] == uid
