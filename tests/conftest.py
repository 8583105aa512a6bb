"""Test wiring: one migrated database per run (SQLite, or PostgreSQL with TEST_DATABASE),
emptied after every test.

`make test` runs the suite twice: on SQLite, then on PostgreSQL without the tests marked
`once` (`-m "not once"`). `once` marks what the database dialect cannot change: the pure
unit tests (tests/unit/) and the SIP call flows of `ONCE_FILES` below (SIPp, the gateway,
the edge: SIP headers, timers, forks, tones, number formats), plus single tests marked in
their modules. What PostgreSQL can change stays in both passes: the API and its SQL, the
number registry and its races, migrations, LISTEN/NOTIFY live events, the command channel,
the edge's registrations (Kamailio reads the credentials with its own database driver), and
a representative set of gateway calls (tests/README.md lists them).
"""
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


_OUTBOX_IDS = "pg_get_serial_sequence('events_outbox', 'id')"


def _empty_all_tables(engine) -> None:
    """Every row gone; ids start again at 1, except the events': they only grow, as in
    production, where a running event hub (the session's app keeps one) reads the events
    past the last id it saw and would never see those of a test that restarted below it."""
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            last = conn.execute(text(f"SELECT nextval({_OUTBOX_IDS})")).scalar()
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
            conn.execute(text(f"SELECT setval({_OUTBOX_IDS}, :n)"), {"n": last})
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


# SIP call flows whose outcome the database dialect does not change: SQLite pass only
ONCE_FILES = {
    "integration/test_edge_calls.py": "calls through Kamailio to the gateway",
    "integration/test_sip_call_ids.py": "pjsua reusing a call id",
    "integration/test_sip_call_log_why.py": "why a call went where, as SIP played it",
    "integration/test_sip_number_hijack.py": "calls after a refused number claim",
    "integration/test_sip_numbers.py": "number formats on the trunk and from phones",
    "integration/test_sip_routing.py": "ring orders and exceptions on the wire",
    "integration/test_sip_transfer.py": "blind, attended and with-return transfers",
    "integration/test_sip_transfer_targets.py": "transfers to queues, main numbers, outside",
    "security/test_gateway_crash.py": "a killed gateway's ringing call after its restart",
}


def pytest_collection_modifyitems(config, items):
    """Pure unit tests and the SIP call flows of ONCE_FILES run in the SQLite pass only."""
    tests = os.path.dirname(__file__)
    gone = [f for f in ONCE_FILES if not os.path.exists(os.path.join(tests, f))]
    if gone:
        raise pytest.UsageError(f"ONCE_FILES names files that do not exist: {gone}")
    once = {os.path.join(tests, f) for f in ONCE_FILES}
    for item in items:
        path = str(item.fspath)
        if "/tests/unit/" in path or path in once:
            item.add_marker(pytest.mark.once)
