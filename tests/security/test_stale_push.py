"""A push for a call that is over is not delivered: with the push provider (the local sink,
a process of its own) frozen while a call rings, the incoming-call push must not reach the
phone once the caller has hung up, whenever the provider wakes up."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from api.pushdevices.store import DeviceStore
from push import Notifier
from push.local import LocalTransport
from push.service import PushService
from push.testing.server import free_port
from tests.support.push import attempts, registered
from tests.support.sip import ROOT, wait_until

ANDROID = {"platform": "android", "token": "tok-stale-android", "token_kind": "fcm",
           "app_id": "no.example.pbx"}
IPHONE = {"platform": "ios", "token": "tok-stale-alert", "token_kind": "alert",
          "app_id": "no.example.pbx", "environment": "production"}


def _get(url: str, timeout: float = 2.0):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read())


def _request_waiting_at(port: int) -> bool:
    """A connection to `port` holds request bytes nobody has read (a frozen server)."""
    want = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in list(f)[1:]:
                fields = line.split()
                rx_queue = int(fields[4].split(":")[1], 16)
                if fields[1].endswith(want) and fields[3] == "01" and rx_queue > 0:
                    return True
    return False


@pytest.fixture
def sink():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "push.sink", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return _get(url + "/healthz", 0.5)
        except OSError:
            return None

    try:
        wait_until(up, what="the push sink to start")
        yield proc, url, port
    finally:
        proc.send_signal(signal.SIGCONT)
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def sender(app, sink):
    service = PushService(DeviceStore(app.extensions["session_factory"]),
                          {"ios": LocalTransport(sink[1]), "android": LocalTransport(sink[1])})
    service.start()
    yield service
    service.stop(2.0)


@pytest.mark.parametrize("device", [ANDROID, IPHONE], ids=["android", "iphone-alert"])
def test_an_incoming_call_push_stuck_at_a_frozen_provider_is_not_delivered_after_hang_up(
        app, client, db, sink, sender, device):
    proc, url, port = sink
    phone = registered(app, client, "alice", [device])
    os.kill(proc.pid, signal.SIGSTOP)            # the provider freezes

    Notifier(sender).incoming_call(phone["tenant"], phone["user"], "stale-1@trunk", "+4791234567",
                                   ring_timeout=25.0)
    wait_until(lambda: _request_waiting_at(port), what="the push to reach the frozen provider")
    Notifier(sender).call_ended(phone["tenant"], phone["user"], "stale-1@trunk")
    wait_until(lambda: [a for a in attempts(client, phone, kind="incoming_call")
                        if a["outcome"] == "not_relevant"],
               what="the incoming-call push to be given up")

    os.kill(proc.pid, signal.SIGCONT)            # the provider wakes up
    wait_until(lambda: _get(f"{url}/healthz")["dropped"] >= 1,
               what="the provider to handle the abandoned request")
    delivered = wait_until(lambda: _get(f"{url}/poll/{device['token']}?after=0&wait=1"),
                           what="the call_ended push")
    assert [p["kind"] for p in delivered] == ["call_ended"], delivered


def test_an_incoming_call_push_after_its_call_ended_is_dropped_by_the_provider(sink):
    _, url, _ = sink
    token = "tok-late"

    def deliver(kind: str) -> dict:
        body = json.dumps({"platform": "android", "kind": kind, "call_id": "late-1@trunk",
                           "payload": {"type": kind}}).encode()
        req = urllib.request.Request(f"{url}/deliver/{token}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=2) as resp:
            return json.loads(resp.read())

    deliver("call_ended")
    assert deliver("incoming_call")["id"] is None
    assert [p["kind"] for p in _get(f"{url}/poll/{token}?after=0")] == ["call_ended"]


def test_an_expired_voip_push_is_not_delivered_by_the_provider(sink):
    _, url, _ = sink
    body = json.dumps({"platform": "ios", "kind": "incoming_call", "call_id": "old-1@trunk",
                       "apns_headers": {"apns-expiration": str(int(time.time()) - 5)},
                       "payload": {}}).encode()
    req = urllib.request.Request(f"{url}/deliver/tok-voip", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=2) as resp:
        assert json.loads(resp.read())["id"] is None
    assert _get(f"{url}/poll/tok-voip?after=0") == []
