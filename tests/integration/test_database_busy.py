"""SQLite lets one writer in at a time; a request that waits past the busy timeout for
another writer's lock gets 503 problem JSON with Retry-After (nothing written), not a 500,
and the same request goes through once the lock is free."""
from __future__ import annotations

import sqlite3

import pytest

from api.core import db as core_db
from api.migrate import upgrade
from tests.support.api import PASSWORD, make_company, own_web_api

pytestmark = pytest.mark.once  # SQLite's own locking, on a database of its own


@pytest.fixture
def busy_app(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    upgrade(url)
    monkeypatch.setattr(core_db, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    with own_web_api(url, tmp_path / "vm") as app:
        yield app, tmp_path / "busy.db"


def test_a_write_that_waits_too_long_for_the_lock_gets_503_and_goes_through_later(busy_app):
    app, path = busy_app
    company = make_company(app)
    client = app.test_client()
    login = {"username": company.users["alice"], "password": PASSWORD}
    other_writer = sqlite3.connect(path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        busy = client.post("/api/v1/auth/login", json=login)
    finally:
        other_writer.rollback()
        other_writer.close()
    assert busy.status_code == 503
    assert busy.content_type == "application/problem+json"
    assert "database busy" in busy.get_json()["detail"]
    assert busy.headers["Retry-After"] == "1"
    again = client.post("/api/v1/auth/login", json=login)
    assert again.status_code == 200 and again.get_json()["access_token"]
