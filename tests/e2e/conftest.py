"""End-to-end wiring: the API served over real HTTP for the app simulator."""
from __future__ import annotations

import pytest

from tests.support.live import LiveServer


@pytest.fixture
def live(app, db):
    """The API on a free port; its data is emptied after the test (through `db`)."""
    with LiveServer(app) as server:
        yield server
