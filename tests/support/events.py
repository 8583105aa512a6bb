"""Helpers for tests of the app's live event stream: apps logged in over HTTP, the events
they wait for. (Event ids never go back between tests: `tests.conftest._empty_all_tables`.)"""
from __future__ import annotations

from mobile_client_sim.client import AppClient
from tests.support.api import PASSWORD


def app_of(url: str, mobile: str) -> AppClient:
    client = AppClient(url)
    client.login(mobile, PASSWORD)
    return client


def user_id(app_client: AppClient) -> int:
    return app_client.request("GET", "/api/v1/me")["id"]


def presence_of(uid: int):
    return lambda e: e.kind == "presence" and e.data["user_id"] == uid
