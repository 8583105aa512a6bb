"""The app simulator registers its phone and shows the pushes the local sink hands it."""
from __future__ import annotations

import json
import socket
import struct
import time
import urllib.request

import pytest

from push import Notifier
from mobile_client_sim import AppClient
from mobile_client_sim import push as sim_push
from mobile_client_sim.__main__ import main as sim_main
from tests.support.api import PASSWORD, make_company
from tests.support.push import sender, sink


@pytest.fixture
def local(app):
    """The local sink, and a sender delivering to it, used by the API process too."""
    with sink() as (_server, url), sender(app, sink_url=url) as svc:
        own = app.extensions["push"]
        app.extensions["push"] = Notifier(svc)
        try:
            yield url, svc
        finally:
            app.extensions["push"] = own


def phone_of(app, live, who: str, platform: str):
    """A new company's user logged in on a simulated phone registered for push."""
    c = make_company(app)
    phone = AppClient(live.url)
    body = phone.login(c.users[who], PASSWORD)
    device = sim_push.register_device(phone, platform)
    return c.tenant_id, body["user"]["id"], phone, device


def test_the_phone_registers_and_shows_who_is_calling_then_the_call_ending(app, live, local):
    url, svc = local
    tenant, user, phone, device = phone_of(app, live, "alice", "android")
    Notifier(svc).incoming_call(tenant, user, "call-42", "+4722334455",
                                hit={"name": "Kari Nordmann", "company": "Fjord AS"})
    assert svc.drain()
    Notifier(svc).call_ended(tenant, user, "call-42",
                             reason="answered_elsewhere")
    received = []
    for item in sim_push.listen(url, device["token"], wait=10):
        received.append(item)
        if len(received) == 2:
            break
    assert [sim_push.describe(p) for p in received] == [
        "Incoming call from Kari Nordmann (Fjord AS) [call call-42]",
        "Call ended (answered_elsewhere) [call call-42]"]
    assert received[0]["android"]["priority"] == "high"


def test_an_iphone_gets_the_voip_push_with_apns_headers_through_the_sink(app, live, local):
    url, svc = local
    tenant, user, phone, device = phone_of(app, live, "bob", "ios")
    Notifier(svc).incoming_call(tenant, user, "c1", "+4722334455")
    [got] = sim_push.receive(url, device["token"], wait=10)
    assert got["apns_headers"]["apns-push-type"] == "voip"
    assert got["apns_headers"]["apns-topic"] == "no.example.pbx.voip"
    assert sim_push.describe(got) == "Incoming call from +4722334455 [call c1]"


def test_the_test_push_from_the_api_reaches_the_phone_and_the_log(app, live, local):
    url, _svc = local
    _tenant, _user, phone, device = phone_of(app, live, "alice", "android")
    assert sim_push.send_test(phone) == {"devices": 1}
    [got] = sim_push.receive(url, device["token"], wait=10)
    assert sim_push.describe(got) == "Test push: notifications reach this phone"


def test_simulator_cli_registers_and_listens(app, live, local, tmp_path, capsys, monkeypatch):
    url, svc = local
    monkeypatch.setattr("mobile_client_sim.cli_push.SINK", url)
    c = make_company(app)
    state = str(tmp_path / "cli.json")
    base = ["--api", live.url, "--state", state]
    assert sim_main(base + ["--password", PASSWORD, "login", c.users["alice"]]) == 0
    assert sim_main(base + ["push-register", "android"]) == 0
    assert sim_main(base + ["push-test"]) == 0
    assert sim_main(base + ["push-listen", "1"]) == 0
    out = capsys.readouterr().out
    assert "registered android device" in out
    assert "Test push: notifications reach this phone" in out


def test_a_token_the_sink_calls_dead_is_pruned(app, live, local):
    import requests
    url, svc = local
    tenant, user, phone, device = phone_of(app, live, "alice", "android")
    requests.post(f"{url}/dead/{device['token']}", timeout=5)
    Notifier(svc).missed_call(tenant, user, "m1", "+4722334455")
    assert svc.drain()
    assert sim_push.devices(phone) == []


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_the_phone_shows_why_a_call_rings_it_queue_transfer_and_last_contact(
        app, live, local, platform):
    url, svc = local
    tenant, user, phone, device = phone_of(app, live, "alice", platform)
    Notifier(svc).incoming_call(
        tenant, user, "c7", "+4722334455", hit={"name": "Kari Nordmann"},
        context={"queue": {"id": 3, "name": "Support"},
                 "transferred_by": {"user_id": 9, "name": "Ola Hansen"},
                 "last_spoke_to": {"user_id": 4, "name": "Per Berg", "at": "2026-12-01T10:00:00"}})
    [got] = sim_push.receive(url, device["token"], wait=10)
    assert sim_push.describe(got) == (
        "Incoming call from Kari Nordmann (via queue Support, transferred by Ola Hansen, "
        "last spoke to Per Berg) [call c7]")


def test_simulator_cli_prints_the_queue_an_incoming_call_comes_through(
        app, live, local, tmp_path, capsys, monkeypatch):
    url, svc = local
    monkeypatch.setattr("mobile_client_sim.cli_push.SINK", url)
    c = make_company(app)
    base = ["--api", live.url, "--state", str(tmp_path / "cli.json")]
    assert sim_main(base + ["--password", PASSWORD, "login", c.users["alice"]]) == 0
    assert sim_main(base + ["push-register", "android"]) == 0
    user = AppClient(live.url, state_file=tmp_path / "cli.json").me()["id"]
    Notifier(svc).incoming_call(c.tenant_id, user, "c8", "+4722334455",
                                context={"queue": {"id": 1, "name": "Sales"}})
    capsys.readouterr()
    assert sim_main(base + ["push-listen", "1"]) == 0
    assert "Incoming call from +4722334455 (via queue Sales) [call c8]" in capsys.readouterr().out


def test_the_api_sends_its_pushes_with_the_sender_its_start_up_built_for_the_sink(
        settings, db, monkeypatch):
    """No sender is injected: the one the API's start-up built (from PUSH_SINK_URL) is used."""
    from bootstrap import stop_web_api, web_api
    from tests.support.push import registered

    with sink() as (_server, url):
        monkeypatch.setenv("PUSH_SINK_URL", url)
        started = web_api(settings)
        try:
            client = started.test_client()
            phone = registered(started, client, "alice", [{
                "platform": "android", "token": "started-app-token", "token_kind": "fcm",
                "app_id": "no.example.pbx"}])
            r = client.post("/api/v1/me/push-devices/test", headers=phone["headers"])
            assert r.status_code == 202
            [got] = sim_push.receive(url, "started-app-token", wait=10)
            assert sim_push.describe(got) == "Test push: notifications reach this phone"
        finally:
            stop_web_api(started)


@pytest.mark.once  # the sink has no database
def test_a_phone_that_hangs_up_on_its_poll_is_counted_not_a_traceback_and_keeps_its_pushes(
        capsys):
    """A killed app resets its long poll; the sink says nothing on stderr and hands the
    push that arrived meanwhile to the phone's next poll."""
    with sink() as (server, url):
        polling = socket.create_connection(("127.0.0.1", server.server_port))
        polling.sendall(b"GET /poll/tok-gone?after=0&wait=5 HTTP/1.1\r\nHost: sink\r\n\r\n")
        polling.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        _post(url + "/deliver/tok-gone", {"kind": "incoming_call", "call_id": "c-1"})
        polling.close()  # reset, as a killed process's socket is
        deadline = time.monotonic() + 10
        while _get(url + "/healthz")["hung_up"] < 1:
            assert time.monotonic() < deadline, "the sink never saw the phone hang up"
            time.sleep(0.02)
        again = _get(url + "/poll/tok-gone?after=0&wait=0")
    assert [p["call_id"] for p in again] == ["c-1"]
    assert "Traceback" not in capsys.readouterr().err


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def _post(url: str, body: dict):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())
