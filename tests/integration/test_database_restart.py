"""The API after its PostgreSQL server restarts: connections in the pool are dead.

A pooled connection is checked before use only when it lay idle a while (a round trip on
every request otherwise); one used a moment before the restart fails its request cleanly
(503 problem JSON) and the next request gets a fresh connection.
"""
from __future__ import annotations

import pytest

from api.core import db as core_db
from api.migrate import upgrade
from tests.support.api import auth, make_company, own_web_api

pytestmark = pytest.mark.once  # its own PostgreSQL whatever the suite runs on


@pytest.fixture(scope="module")
def restartable(tmp_path_factory):
    from tests.support.pg import ThrowawayPostgres

    pg = ThrowawayPostgres().start()
    try:
        url = pg.create_database("pbx_restart")
        upgrade(url)
        with own_web_api(url, tmp_path_factory.mktemp("voicemail")) as app:
            client = app.test_client()
            company = make_company(app)
            yield pg, client, auth(client, company.users["alice"])
    finally:
        pg.stop()


def _restart(pg) -> None:
    pg.pause()
    pg.resume()


def test_a_request_on_a_connection_the_restart_killed_gets_503_and_the_next_one_succeeds(
        restartable, monkeypatch):
    pg, client, headers = restartable
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_S", 3600.0)  # the connection is never idle
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    _restart(pg)
    failed = client.get("/api/v1/me", headers=headers)
    assert failed.status_code == 503
    assert failed.content_type == "application/problem+json"
    assert "database unreachable" in failed.get_json()["detail"]
    assert failed.headers["Retry-After"] == "1"
    again = client.get("/api/v1/me", headers=headers)
    assert again.status_code == 200 and again.get_json()["first_name"] == "Alice"


def test_a_connection_idle_past_the_threshold_is_checked_so_the_first_request_succeeds(
        restartable, monkeypatch):
    pg, client, headers = restartable
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_S", 0.0)  # every connection counts as idle
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    _restart(pg)
    first = client.get("/api/v1/me", headers=headers)
    assert first.status_code == 200 and first.get_json()["first_name"] == "Alice"
