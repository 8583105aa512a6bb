"""The relay process looks devices up on the thread reading the gateway's socket, for all the
waiting notifications at once, and hands them to the sender's loop already looked up: the
next push sees every device change, and a stalled database holds only what is not yet
looked up."""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import pytest

from api.pushdevices.store import DeviceStore
from push import Notifier
from push.relay import READY, serve
from push.service import PushService
from tests.support.push import registered
from tests.support.push_fakes import HeldTransport, SocketSender, Store
from tests.support.sip import wait_until

TOKEN_A, TOKEN_B = "a1" * 32, "b2" * 32


def _device(token: str) -> dict:
    return {"platform": "android", "token": token, "token_kind": "fcm",
            "app_id": "no.example.pbx"}


@contextmanager
def relay_serving(store):
    """`push.relay.serve` on its own thread with a sender on `store`; the gateway's side."""
    transport = HeldTransport()
    service = PushService(store, {"ios": transport, "android": transport}).start()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    thread = threading.Thread(target=serve, args=(theirs, service), daemon=True)
    thread.start()
    assert ours.recv(16) == READY
    gateway = SocketSender(ours)
    try:
        yield Notifier(gateway), transport, service
    finally:
        transport.held.clear()
        if hasattr(store, "hold"):
            store.hold.set()
        gateway.stop()
        thread.join(10)
        theirs.close()


def test_the_next_push_after_a_device_is_added_or_removed_reaches_exactly_those_registered(
        app, client):
    phone = registered(app, client, "alice", [_device(TOKEN_A)])
    t, u = phone["tenant"], phone["user"]
    with relay_serving(DeviceStore(app.extensions["session_factory"])) as (notify, sent, _):
        def tokens(call_id: str) -> set[str]:
            return {token for token, cid in sent.sent if cid == call_id}

        notify.incoming_call(t, u, "one", "+4722334455")
        assert wait_until(lambda: tokens("one"), what="the first push") == {TOKEN_A}

        r = client.post("/api/v1/me/push-devices", headers=phone["headers"],
                        json=_device(TOKEN_B))
        assert r.status_code == 201
        notify.incoming_call(t, u, "two", "+4722334455")
        wait_until(lambda: len(tokens("two")) == 2, what="the push to both phones")

        [a] = [d for d in client.get("/api/v1/me/push-devices", headers=phone["headers"]
                                     ).get_json() if d["token"] == TOKEN_A]
        assert client.delete(f"/api/v1/me/push-devices/{a['id']}",
                             headers=phone["headers"]).status_code == 204
        notify.incoming_call(t, u, "three", "+4722334455")
        notify.incoming_call(t, u + 10_000, "stranger", "+4722334455")  # no such user
        assert wait_until(lambda: tokens("three"), what="the third push") == {TOKEN_B}
    assert tokens("one") == {TOKEN_A} and tokens("three") == {TOKEN_B}
    assert not tokens("stranger")


@pytest.mark.once  # a store of the test's own: no database
def test_a_stalled_database_holds_only_the_pushes_not_yet_looked_up():
    store = Store()
    with relay_serving(store) as (notify, transport, service):
        transport.held.add("first")   # its provider is slow to answer
        notify.incoming_call(1, 5, "first", "+4722334455")
        wait_until(lambda: "first" in transport.started, what="the first push on its way")
        store.hold.clear()            # the database stalls
        notify.incoming_call(1, 6, "second", "+4722334455")
        wait_until(lambda: len(store.trips) == 2, what="the second look-up")
        transport.held.clear()        # the provider answers the first push
        wait_until(lambda: ("tok-1-5", "first") in transport.sent,
                   what="the first push delivered while the database stalls")
        assert store.answered == 1 and "second" not in transport.started
        store.hold.set()
        wait_until(lambda: ("tok-1-6", "second") in transport.sent, what="the second push")


@pytest.mark.once  # a store of the test's own: no database
def test_a_call_that_ends_while_the_database_stalls_stops_ringing_at_once():
    store = Store()
    with relay_serving(store) as (notify, transport, service):
        transport.held.add("ring")
        notify.incoming_call(1, 5, "ring", "+4722334455")
        wait_until(lambda: "ring" in transport.started, what="the ringing push on its way")
        store.hold.clear()
        notify.call_ended(1, 5, "ring")
        wait_until(lambda: any(r["call_id"] == "ring" and r["kind"] == "incoming_call"
                               for r in store.rows), what="the ringing push given up")
        assert store.answered == 1   # the call_ended's own look-up is still held
        [row] = [r for r in store.rows if r["call_id"] == "ring"]
        assert row["outcome"] == "not_relevant" and ("tok-1-5", "ring") not in transport.sent
