"""Peers shared by several integration test modules."""
from __future__ import annotations

import pytest

from tests.support.gunicorn import gunicorn


@pytest.fixture(scope="session")
def events_api_url(database_url, settings):
    """The API as two gunicorn worker processes, for the live event stream's tests: an event
    raised in one process must reach a stream held by either worker."""
    # a stream a test left ends at its next heartbeat: stopping need not wait for it
    with gunicorn(database_url, workers=2, secret_key=settings.secret_key,
                  env={"WEB_GRACEFUL_TIMEOUT": "2"}) as url:
        yield url
