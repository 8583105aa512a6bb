"""The sender batches its database work: a burst's device look-ups share a trip, and its push
log rows go in a few writes, without ever mixing users up or losing a row."""
from __future__ import annotations

import pytest

from push import Notifier
from push.service import PushService
from tests.support.push_fakes import Store, Transport
from tests.support.sip import wait_until

pytestmark = pytest.mark.once  # a store and a transport of the test's own: no database


@pytest.fixture
def parts():
    store, transport = Store(), Transport()
    svc = PushService(store, {"ios": transport, "android": transport}).start()
    yield store, transport, svc
    store.hold.set()
    svc.stop()


def test_a_burst_shares_database_trips_and_every_user_gets_only_their_own_push(parts):
    store, transport, svc = parts
    notifier = Notifier(svc)
    store.hold.clear()  # the first look-up is held: the rest of the burst waits behind it
    notifier.incoming_call(1, 5, "first", "+4722334455")
    wait_until(lambda: store.trips, what="the first look-up")
    # the same user id in two companies, several calls to one user, an unknown user
    burst = [(1, 5), (2, 5), (1, 6), (2, 7), (1, 5), (1, 99)] * 5
    for n, (tenant, user) in enumerate(burst):
        notifier.incoming_call(tenant, user, f"c{n}", "+4722334455")
    store.hold.set()
    assert svc.drain()
    assert len(store.trips) == 2   # the held one, then all of the burst together
    assert sorted(store.trips[1]) == [(1, 5), (1, 6), (1, 99), (2, 5), (2, 7)]
    expected = {("tok-1-5", "first")} | {(f"tok-{t}-{u}", f"c{n}")
                                         for n, (t, u) in enumerate(burst) if u != 99}
    assert set(transport.sent) == expected and len(transport.sent) == len(expected)


def test_the_push_log_of_a_burst_is_written_in_a_few_batches_and_complete(parts):
    store, transport, svc = parts
    notifier = Notifier(svc)
    for n in range(40):
        notifier.incoming_call(1, n % 4, f"c{n}", "+4722334455")
    assert svc.drain()
    assert sorted(r["call_id"] for r in store.rows) == sorted(f"c{n}" for n in range(40))
    assert {r["outcome"] for r in store.rows} == {"delivered"}
    assert store.writes < 40


def test_a_failed_look_up_loses_only_its_own_notifications(parts):
    store, transport, svc = parts
    notifier = Notifier(svc)
    store.fail_next = True
    notifier.incoming_call(1, 5, "lost", "+4722334455")
    assert svc.drain()
    notifier.incoming_call(1, 5, "next", "+4722334455")
    assert svc.drain()
    assert transport.sent == [("tok-1-5", "next")]


def test_push_log_rows_are_written_without_a_drain_soon_after_the_push(parts):
    store, transport, svc = parts
    Notifier(svc).incoming_call(1, 5, "alone", "+4722334455")
    wait_until(lambda: store.rows, what="the push log row")
    assert [r["call_id"] for r in store.rows] == ["alone"]
