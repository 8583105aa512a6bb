"""Test wiring: one migrated database per run (SQLite, or PostgreSQL with TEST_DATABASE),
emptied after every test."""
from __future__ import annotations

import os
import secrets
import tempfile

os.environ.setdefault("PASSWORD_HASH_PROFILE", "fast")

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402

from api.config import Settings  # noqa: E402
from api.core import clock  # noqa: E402
from api.core.db import Base  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from bootstrap import stop_web_api, web_api  # noqa: E402


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE', 'sqlite')}"


@pytest.fixture(scope="session")
def database_url():
    kind = os.environ.get("TEST_DATABASE", "sqlite")
    if kind == "postgresql":
        from tests.support.pg import ThrowawayPostgres
        server = ThrowawayPostgres().start()
        try:
            url = server.create_database("pbx_test")
            upgrade(url)
            yield url
        finally:
            server.stop()
    else:
        with tempfile.TemporaryDirectory(prefix="pbx-test-") as d:
            url = f"sqlite:///{d}/test.db"
            upgrade(url)
            yield url


@pytest.fixture(scope="session")
def settings(database_url, tmp_path_factory):
    return Settings.from_env({"DATABASE_URL": database_url, "APP_ENV": "test",
                              "SECRET_KEY": secrets.token_urlsafe(48),
                              "PUBLIC_BASE_URL": "http://testserver",
                              "VOICEMAIL_DIR": str(tmp_path_factory.mktemp("voicemail"))})


@pytest.fixture(scope="session")
def app(settings):
    app = web_api(settings)
    yield app
    stop_web_api(app)


def _empty_all_tables(engine) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for t in reversed(tables):
                conn.execute(text(f'DELETE FROM "{t}"'))


@pytest.fixture
def db(app):
    """A session on the test database; every table is emptied after the test."""
    session = app.extensions["session_factory"]()
    try:
        yield session
    finally:
        session.close()
        clock.freeze(None)
        _empty_all_tables(app.extensions["engine"])


@pytest.fixture
def client(app, db):
    return app.test_client()


def pytest_collection_modifyitems(config, items):
    """Pure unit tests touch no database: they run in the first (SQLite) pass only."""
    for item in items:
        if "/tests/unit/" in str(item.fspath):
            item.add_marker(pytest.mark.once)
