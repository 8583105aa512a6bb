"""The app as a softphone woken by push, through the real edge (Kamailio) and gateway: it
registers with its RFC 8599 push parameters (a pn-prid that is not its own push token is
refused); asleep (no registration), a call for it sends the push first, the edge holds the
INVITE until the app registers and then delivers it there; a call that ends before the app
wakes sends call_ended and rings nothing late."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading

import pytest
from sqlalchemy import select

from tests.integration.test_edge_calls import (  # noqa: F401 (fixtures)
    CALLER, TRUNK, edge, final_status, gateway)
from tests.integration.test_sip_gateway import User, logged
from tests.support.api import auth
from tests.support.edge import edge_missing
from tests.support.sip import header, sip_tools_missing, wait_until
from tests.support.sip_fixtures import gateway_settles, peers, sink  # noqa: F401 (fixtures)

missing = sip_tools_missing() or edge_missing()
pytestmark = pytest.mark.skipif(bool(missing), reason=missing or "")


class App:
    """The user's phone app as their only ringing device: its push token (Android FCM, so
    the push sink sees each message) and the app device the API provisioned for it."""

    def __init__(self, client, db, user: User, edge) -> None:
        from api.availability.models import Device

        user.devices()   # nothing else rings
        headers = auth(client, user.mobile)
        # unique in the module: ids start again each test, the sink keeps earlier pushes
        self.token = f"fcm-app-{user.id}-{secrets.token_hex(6)}"
        r = client.post("/api/v1/me/push-devices", headers=headers, json={
            "platform": "android", "token": self.token, "token_kind": "fcm",
            "app_id": "no.example.pbx"})
        assert r.status_code == 201, r.get_json()
        r = client.post("/api/v1/me/devices", headers=headers,
                        json={"kind": "app", "push_device_id": r.get_json()["id"]})
        assert r.status_code == 201, r.get_json()
        body = r.get_json()
        self.id, self.username = body["id"], body["sip_username"]
        self.password = body["sip_credentials"]["password"]
        self.cparams = body["push_params"]["contact_params"]
        device = db.get(Device, self.id)
        device.sip_uri = f"sip:{self.username}@{edge.address}"   # where the gateway finds it
        db.commit()
        self.edge = edge
        # ids start again after each test empties the tables: nothing an earlier test's
        # device of the same user name registered at this (module-wide) edge counts
        edge.rpc("ul.rm", "location", self.username)

    def args(self, port: int, expires: int = 300, cparams: str | None = None) -> list[str]:
        """app_register.xml's: its calls reach 127.0.0.1:`port` (a SIPp phone there)."""
        return [self.edge.address, "-set", "user", self.username, "-set", "realm",
                self.edge.realm, "-set", "expires", str(expires),
                "-set", "contact", f"127.0.0.1:{port}",
                "-set", "cparams", self.cparams if cparams is None else cparams,
                "-au", self.username, "-ap", self.password]

    def held(self) -> bool:
        """The edge keeps an INVITE for it (tsilo's table)."""
        return "Tindex" in self.edge.rpc("ts.lookup", self.username)


def answer(reg) -> str:
    return [t for d, _, t in reg.messages() if d == "received"][-1]


@pytest.mark.once
def test_a_registration_keeps_its_push_parameters_and_a_foreign_pn_prid_is_refused(
        app, db, client, edge, peers):
    user, other = User(app, db, client), None
    mine = App(client, db, user, edge)
    other = App(client, db, User(app, db, client, "bob", company=user.company), edge)

    stolen = peers("stolen", "app_register.xml",
                   *mine.args(5999, cparams=other.cparams))
    assert stolen.wait() == 0
    assert answer(stolen).startswith("SIP/2.0 403")   # bob's token: no waking bob's phone
    assert mine.edge.contacts(mine.username) == []

    own = peers("own", "app_register.xml", *mine.args(5999))
    assert own.wait() == 0 and answer(own).startswith("SIP/2.0 200")
    [contact] = edge.contacts(mine.username)
    assert f"pn-prid={mine.token}" in contact and "pn-provider=fcm" in contact


@pytest.mark.once
def test_a_softphone_cannot_register_with_push_parameters_at_all(app, db, client, edge, peers):
    from tests.integration.test_edge_calls import registered_softphone

    user = User(app, db, client)
    mine = App(client, db, user, edge)
    creds, _ = registered_softphone(db, user, edge, peers)
    reg = peers("soft", "app_register.xml", edge.address, "-set", "user", creds["username"],
                "-set", "realm", edge.realm, "-set", "expires", "300",
                "-set", "contact", "127.0.0.1:5999",
                "-set", "cparams", mine.cparams,
                "-au", creds["username"], "-ap", creds["password"])
    assert reg.wait() == 0 and answer(reg).startswith("SIP/2.0 403")


def test_a_sleeping_app_is_woken_by_the_push_registers_and_answers_within_the_ring_time(
        app, db, client, gateway, edge, peers, sink):
    user = User(app, db, client)
    phone = App(client, db, user, edge)
    ear = peers("app", "phone_answer.xml", "-d", "200")   # the app's SIP socket
    awake = peers("awake", "app_register.xml", *phone.args(ear.port))
    assert awake.wait() == 0 and answer(awake).startswith("SIP/2.0 200")
    asleep = peers("asleep", "app_register.xml", *phone.args(ear.port, expires=0))  # it sleeps
    assert asleep.wait() == 0 and edge.contacts(phone.username) == []

    trunk = peers("trunk", "edge_uac.xml", edge.address, "-s", user.office, "-key", "caller",
                  CALLER, "-d", "300", ip=TRUNK)
    pushes = sink[0].after(phone.token, 0, 20)
    assert [p["kind"] for p in pushes] == ["incoming_call"]
    assert json.loads(pushes[0]["payload"]["ringing"]) == ["app"]   # the app: register now
    wait_until(phone.held, what="the edge to hold the INVITE for the app")
    assert not ear.received("INVITE")   # asleep: nothing reaches it before it registers

    woken = peers("woken", "app_register.xml", *phone.args(ear.port))   # woken by the push
    assert woken.wait() == 0 and answer(woken).startswith("SIP/2.0 200")
    assert ear.wait() == 0 and trunk.wait() == 0
    assert final_status(trunk) == 200
    invite = ear.received("INVITE")[0]
    assert CALLER in header(invite, "From")
    assert logged(user, "answered")[0].other_number == CALLER
    wait_until(lambda: not phone.held(), what="the edge to let go of the answered INVITE")


def test_a_call_that_ends_before_the_app_registers_sends_call_ended_and_rings_nothing_late(
        app, db, client, gateway, edge, peers, sink):
    user = User(app, db, client)
    phone = App(client, db, user, edge)
    ear = peers("app", "phone_answer.xml")

    trunk = peers("trunk", "edge_uac_cancel.xml", edge.address, "-s", user.office, "-key",
                  "caller", CALLER, "-d", "1500", ip=TRUNK)
    assert trunk.wait() == 0 and final_status(trunk) == 487   # the caller gave up
    kinds = wait_until(lambda: [p["kind"] for p in sink[0].after(phone.token, 0, 1)
                                if p["kind"] == "call_ended"] and
                       [p["kind"] for p in sink[0].after(phone.token, 0, 0)],
                       what="the call_ended push")
    assert kinds[0] == "incoming_call" and "call_ended" in kinds   # (and the missed call)
    wait_until(lambda: not phone.held(), what="the held INVITE to end with the call")

    late = peers("late", "app_register.xml", *phone.args(ear.port))
    assert late.wait() == 0 and answer(late).startswith("SIP/2.0 200")
    with pytest.raises(AssertionError):   # a late INVITE would come at once: none does
        wait_until(lambda: ear.received("INVITE"), timeout=3, what="a late INVITE")


@pytest.mark.once
def test_the_simulator_as_the_app_sleeps_is_woken_by_the_push_registers_and_answers(
        app, db, client, gateway, edge, peers, sink, tmp_path, monkeypatch):
    from tests.support.api import PASSWORD
    from tests.support.live import LiveServer

    user = User(app, db, client)
    user.devices()   # nothing else rings
    monkeypatch.setattr(app.config["SETTINGS"], "sip_registrar", f"sip:{edge.address}")
    lines: list[str] = []
    with LiveServer(app) as live:
        sim = [sys.executable, "-m", "mobile_client_sim", "--api", live.url,
               "--state", str(tmp_path / "session.json")]
        assert subprocess.run([*sim, "--password", PASSWORD, "login", user.mobile],
                              capture_output=True).returncode == 0
        assert subprocess.run([*sim, "push-register", "android"],
                              capture_output=True).returncode == 0
        phone = subprocess.Popen([*sim, "softphone", "1", "0.2"], text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 env={**os.environ, "PUSH_SINK_URL": sink[1]})
        try:
            threading.Thread(target=lambda: lines.extend(phone.stdout), daemon=True).start()
            wait_until(lambda: any("asleep" in line for line in lines),
                       what="the simulated app to register and go to sleep")
            trunk = peers("trunk", "edge_uac.xml", edge.address, "-s", user.office, "-key",
                          "caller", CALLER, "-d", "300", ip=TRUNK)
            assert trunk.wait() == 0 and final_status(trunk) == 200
            assert phone.wait(30) == 0, "".join(lines)
        finally:
            if phone.poll() is None:
                phone.kill()
                phone.wait(5)
    out = "".join(lines)
    assert "woken by the push for call" in out and "answered the call from" in out
    assert CALLER in out and "answered 1 of 1 call(s)" in out
    assert logged(user, "answered")[0].other_number == CALLER


@pytest.mark.once
def test_an_app_whose_registered_contact_went_silent_answers_from_where_it_registers_on_waking(
        app, db, client, gateway, edge, peers, sink):
    user = User(app, db, client)
    phone = App(client, db, user, edge)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as suspended:   # reads nothing
        suspended.bind(("127.0.0.1", 0))
        stale = peers("stale", "app_register.xml", *phone.args(suspended.getsockname()[1]))
        assert stale.wait() == 0 and answer(stale).startswith("SIP/2.0 200")
        ear = peers("app", "phone_answer.xml", "-d", "200")

        trunk = peers("trunk", "edge_uac.xml", edge.address, "-s", user.office, "-key",
                      "caller", CALLER, "-d", "300", ip=TRUNK)
        assert [p["kind"] for p in sink[0].after(phone.token, 0, 20)] == ["incoming_call"]
        wait_until(phone.held, what="the edge to keep the INVITE for the app")
        woken = peers("woken", "app_register.xml", *phone.args(ear.port))
        assert woken.wait() == 0 and answer(woken).startswith("SIP/2.0 200")
        assert ear.wait() == 0 and trunk.wait() == 0
        assert final_status(trunk) == 200
        assert CALLER in header(ear.received("INVITE")[0], "From")


@pytest.mark.once
def test_a_call_placed_from_the_sleeping_app_as_its_device_wakes_it_and_connects_on_answer(
        app, db, client, gateway, edge, peers, sink):
    """Call-through with the app itself as the device: the push wakes it (showing whom it
    connects to), the edge holds the gateway's INVITE until it registers, it answers, and
    the colleague it calls is dialled and bridged; the push is then cleared."""
    user = User(app, db, client)
    phone = App(client, db, user, edge)
    ear = peers("app", "phone_answer.xml")                         # the app's SIP socket
    bob = User(app, db, client, "bob", company=user.company)
    bob_phone = peers("bob", "phone_answer_hang_up.xml", "-d", "500")
    bob.devices(softphone=f"sip:bob@127.0.0.1:{bob_phone.port}")
    headers = auth(client, user.mobile)
    assert edge.contacts(phone.username) == []                    # asleep

    r = client.post("/api/v1/me/calls", json={"device_id": phone.id, "user_id": bob.id},
                    headers={**headers, "Idempotency-Key": "app-call"})
    assert r.status_code == 202, r.get_json()
    url = f"/api/v1/me/calls/commands/{r.get_json()['id']}"
    push = wait_until(lambda: sink[0].after(phone.token, 0, 0), what="the wake-up push")[0]
    assert push["kind"] == "incoming_call"
    assert json.loads(push["payload"]["ringing"]) == ["app"]     # the app: register now
    assert bob.office in push["payload"]["caller"]                # whom it connects to
    wait_until(phone.held, what="the edge to hold the INVITE for the app")
    assert not ear.received("INVITE")

    woken = peers("woken", "app_register.xml", *phone.args(ear.port))
    assert woken.wait() == 0 and answer(woken).startswith("SIP/2.0 200")
    done = wait_until(lambda: (lambda c: c if c["state"] in ("done", "failed") else None)(
        client.get(url, headers=headers).get_json()), what="the placed call's outcome")
    assert (done["state"], done["result"]) == ("done", "bridged")
    assert bob_phone.wait() == 0 and ear.wait() == 0   # Bob talked, hung up: the app too
    assert bob.office in header(ear.received("INVITE")[0], "From")
    ended = wait_until(lambda: [p for p in sink[0].after(phone.token, 0, 0)
                                if p["kind"] == "call_ended"], what="the push cleared")
    assert ended[0]["payload"]["reason"] == "answered"


@pytest.mark.once
def test_an_invite_held_for_an_app_that_never_wakes_is_ended_by_the_edge_if_no_cancel_comes(
        app, db, client, peers, database_url):
    """The gateway that sent it dies mid-hold (here: a SIPp gateway that never cancels): the
    edge does not keep the transaction forever but answers 480 after its hold time."""
    from tests.support.edge import Edge
    from tests.support.sip import free_port

    gateway_port = free_port()
    short = Edge(database_url, gateways=(f"sip:127.0.0.1:{gateway_port}",), hold_s=2)
    try:
        phone = App(client, db, User(app, db, client), short)
        dead = peers("gateway", "edge_uac.xml", short.address, "-s", phone.username,
                     "-key", "caller", CALLER, port=gateway_port)
        wait_until(phone.held, what="the edge to hold the INVITE for the app")
        assert dead.wait() == 0 and final_status(dead) == 480
    finally:
        short.stop()
