"""Two writers' events in flight at once (PostgreSQL): the one that drew the smaller id
commits first, so a live stream that has read up to an id never misses a smaller one
committing behind it (SQLite lets one writer in at a time)."""
from __future__ import annotations

import threading

import pytest
from api.events import outbox
from api.events.hub import Audience, Hub
from tests.support.api import make_company
from tests.support.pg import a_backend_waits_on_a_lock
from tests.support.sip import wait_until


def test_an_event_written_while_an_earlier_one_is_uncommitted_reaches_the_stream_after_it(
        app, db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("needs two writers in flight at once")
    engine, factory = app.extensions["engine"], app.extensions["session_factory"]
    company = make_company(app)
    hub = Hub(engine)
    stream, _ = hub.open(Audience(company.tenant_id, user_id=0, session_id=0))
    try:
        first = factory()
        outbox.record(first, company.tenant_id, "presence", {"writer": "first"})
        done = threading.Event()

        def second_writer():
            with factory() as second:  # its statement waits on the first's lock
                outbox.record(second, company.tenant_id, "presence", {"writer": "second"})
                second.commit()
            done.set()

        worker = threading.Thread(target=second_writer)
        worker.start()

        seen: list = []

        def second_waits_or_is_streamed() -> bool:
            if done.is_set():   # not held back: the stream reads it before the first commits
                seen.extend(stream.take(timeout=0))
                return bool(seen)
            return a_backend_waits_on_a_lock(engine)

        wait_until(second_waits_or_is_streamed, what="the second writer to wait, or be read")
        first.commit()
        first.close()
        worker.join(timeout=30)

        def both_arrived() -> bool:
            seen.extend(stream.take(timeout=0))
            return len(seen) >= 2

        wait_until(both_arrived, timeout=10, what="both events on the stream")
        assert [row.data["writer"] for row in seen] == ["first", "second"]
        assert seen[0].id < seen[1].id
    finally:
        hub.stop()
        hub.close(stream)
