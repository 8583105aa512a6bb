"""Calls placed from the app, on the wire: SIPp plays the user's softphone and the trunk.
The device rings first; when it answers the trunk gets the INVITE to the destination in its
configured number format with the display number, the two are bridged, and the call is a
live call, then an outgoing call in the log. And one ring per phone: an iPhone whose MEX
mobile rings gets one alert from the gateway and no VoIP push."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integration.test_sip_gateway import User
from tests.support.sip_fixtures import (  # noqa: F401 (shared fixtures)
    gateway_settles, peers, ports, sink)
from tests.support.api import auth
from tests.support.sip import (Ear, Gateway, header, sip_tools_missing, tone_pcap,
                               strongest_hz, wait_until)

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""), pytest.mark.once]
DEST = "+4722334455"


@pytest.fixture(scope="module")
def gateway(app, database_url, tmp_path_factory, sink, ports):
    """The trunk wants national numbers (`22334455`)."""
    gw = Gateway(database_url, tmp_path_factory.mktemp("gw"), trunk_port=ports["trunk"],
                 voicemail_port=ports["voicemail"], sink_url=sink[1],
                 trunks="127.0.0.1;format=national")
    yield gw
    gw.stop()


class Placing:
    """Alice with a softphone (SIPp), placing calls from the app."""

    def __init__(self, app, db, client, peers, soft="phone_answer_hang_up.xml",
                 soft_args=("-d", "1500"), soft_scenario: str | None = None) -> None:
        from api.availability.models import Device

        self.user = User(app, db, client)
        self.client, self.db = client, db
        self.headers = auth(client, self.user.mobile)
        self.soft = peers("soft", soft_scenario or soft, *soft_args)
        self.user.devices(softphone=f"sip:soft@127.0.0.1:{self.soft.port}")
        self.device_id = db.scalar(select(Device.id).where(
            Device.user_id == self.user.id, Device.kind == "softphone",
            Device.enabled.is_(True)))

    def place(self, **body) -> dict:
        r = self.client.post("/api/v1/me/calls", json={"device_id": self.device_id, **body},
                             headers={**self.headers, "Idempotency-Key": "tap"})
        assert r.status_code == 202, r.get_json()
        return r.get_json()

    def finished(self, command: dict) -> dict:
        url = f"/api/v1/me/calls/commands/{command['id']}"
        return wait_until(lambda: (lambda c: c if c["state"] in ("done", "failed") else None)(
            self.client.get(url, headers=self.headers).get_json()),
            what="the placed call's outcome")


def test_the_device_answers_then_the_trunk_gets_the_destination_in_its_format_and_both_talk(
        app, db, client, gateway, peers, ports):
    me = Placing(app, db, client, peers)
    trunk = peers("trunk", "phone_answer.xml", port=ports["trunk"])
    command = me.place(number="22 33 44 55", display_number=me.user.mobile)

    assert me.finished(command)["result"] == "bridged"
    live = client.get("/api/v1/me/calls", headers=me.headers).get_json()
    assert [(c["direction"], c["other_number"], c["state"]) for c in live] == \
        [("outgoing", DEST, "answered")]
    assert client.get(f"/api/v1/me/calls/commands/{command['id']}",
                      headers=me.headers).get_json()["call_id"] == live[0]["id"]
    assert me.soft.wait() == 0 and trunk.wait() == 0   # the device hangs up: the trunk BYE
    ring = me.soft.received("INVITE")[0]
    assert DEST in header(ring, "From")                # the device shows whom it connects to
    out = trunk.received("INVITE")[0]
    assert out.startswith("INVITE sip:22334455@")      # the trunk's national format
    assert me.user.mobile in header(out, "From")
    assert me.user.mobile in header(out, "P-Asserted-Identity")
    assert me.soft.first_time("INVITE") < trunk.first_time("INVITE")
    entry = wait_until(lambda: [e for e in me.user.log() if e.direction == "outgoing"],
                       what="the call in my log")[0]
    assert (entry.status, entry.other_number) == ("answered", DEST)


def test_a_busy_destination_fails_the_call_with_why_and_the_device_is_let_go(
        app, db, client, gateway, peers, ports):
    me = Placing(app, db, client, peers, soft="phone_answer.xml", soft_args=())
    trunk = peers("trunk", "phone_busy.xml", port=ports["trunk"])
    command = me.place(number=DEST)
    got = me.finished(command)
    assert (got["state"], got["result"]) == ("failed", "destination_busy")
    assert me.soft.wait() == 0 and me.soft.received("BYE")
    assert trunk.wait() == 0
    assert me.user.office in header(trunk.received("INVITE")[0], "From")  # the profile's
    wait_until(lambda: [e for e in me.user.log() if e.status == "busy"],
               what="the busy call in my log")
    assert client.get("/api/v1/me/calls", headers=me.headers).get_json() == []


def test_a_missed_queue_caller_is_called_back_showing_the_queues_number_and_marked_answered(
        app, db, client, gateway, peers, ports):
    from api.accounts.models import Tenant
    from api.queues import callbacks, services as queues
    from api.queues.models import QueueCallback

    me = Placing(app, db, client, peers)
    tenant = db.get(Tenant, me.user.tenant_id)
    queue = queues.create_queue(db, tenant, {"name": "Support", "number": "+4723999003",
                                             "callback_shows_number": True})
    queues.set_member(db, queue, me.user.id, {"priority": 0})
    entry = callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    trunk = peers("trunk", "phone_answer.xml", port=ports["trunk"])

    command = me.place(callback_id=entry.id)
    assert me.finished(command)["result"] == "bridged"
    assert me.soft.wait() == 0 and trunk.wait() == 0
    out = trunk.received("INVITE")[0]
    assert out.startswith("INVITE sip:91112233@") and "+4723999003" in header(out, "From")

    def done():
        db.expire_all()
        return db.get(QueueCallback, entry.id).done_at
    wait_until(done, what="the callback marked answered")


def test_a_queue_with_automatic_callback_rings_its_free_member_then_the_caller(
        app, db, client, gateway, peers, ports):
    from api.accounts.models import Tenant
    from api.calls.models import CallCommand
    from api.queues import autocallback, callbacks, membership, services as queues
    from api.queues.models import QueueCallback

    me = Placing(app, db, client, peers)
    tenant = db.get(Tenant, me.user.tenant_id)
    queue = queues.create_queue(db, tenant, {"name": "Support", "number": "+4723999004",
                                             "callback_shows_number": True,
                                             "auto_callback": True})
    queues.set_member(db, queue, me.user.id, {"priority": 0})
    membership.set_login(db, tenant.id, me.user.id, None, True, by_user_id=None)
    entry = callbacks.add_callback(db, tenant, queue, "+4791112244", None)
    trunk = peers("trunk", "phone_answer.xml", port=ports["trunk"])

    assert autocallback.run(db) == 1          # a round of the queue runner
    command = db.scalar(select(CallCommand).where(CallCommand.user_id == me.user.id))
    assert me.finished({"id": command.id})["result"] == "bridged"
    assert me.soft.wait() == 0 and trunk.wait() == 0
    assert me.soft.first_time("INVITE") < trunk.first_time("INVITE")   # the member first
    out = trunk.received("INVITE")[0]
    assert out.startswith("INVITE sip:91112244@") and "+4723999004" in header(out, "From")

    def done():
        db.expire_all()
        row = db.get(QueueCallback, entry.id)
        return row if row.done_at is not None else None
    row = wait_until(done, what="the callback marked answered")
    assert (row.attempts, row.last_attempt_by_user_id) == (1, me.user.id)
    assert autocallback.run(db) == 0          # answered: off the list


def test_a_placed_call_is_transferred_from_the_app_to_a_colleague_like_any_call(
        app, db, client, gateway, peers, ports):
    from api.accounts.models import User as U
    from api.availability.models import Device

    me = Placing(app, db, client, peers, soft="phone_answer.xml", soft_args=())
    bob = db.scalar(select(U).where(U.mobile == me.user.company.users["bob"]))
    bob_phone = peers("bob", "phone_answer_hang_up.xml", "-d", "500")
    db.add(Device(tenant_id=bob.tenant_id, user_id=bob.id, kind="softphone", label="soft",
                  enabled=True, sip_uri=f"sip:bob@127.0.0.1:{bob_phone.port}"))
    db.commit()
    trunk = peers("trunk", "phone_answer.xml", port=ports["trunk"])
    command = me.place(number=DEST)
    call_id = me.finished(command)["call_id"]

    r = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=me.headers,
                    json={"target": {"kind": "colleague", "id": bob.id}, "method": "blind"})
    assert r.status_code == 202, r.get_json()
    url = f"/api/v1/me/transfers/{r.get_json()['id']}"
    wait_until(lambda: client.get(url, headers=me.headers).get_json()["state"] == "completed",
               what="the transfer to complete")
    assert me.soft.wait() == 0 and me.soft.received("BYE")   # my device is free at once
    assert bob_phone.wait() == 0 and trunk.wait() == 0       # Bob talked, then hung up
    assert me.user.office in header(bob_phone.received("INVITE")[0], "From") or \
        DEST in header(bob_phone.received("INVITE")[0], "From")


def test_an_iphone_whose_mex_mobile_rings_gets_one_alert_and_no_voip_push_from_the_gateway(
        app, db, client, gateway, peers, ports, sink):
    """An incoming call rings the softphone and the MEX mobile (through the trunk): the
    iPhone's own call screen rings, so its app gets who is calling as one alert, no VoIP."""
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml", "-d", "800")
    mobile = peers("mobile", "phone_no_answer.xml", port=ports["trunk"])
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}", mobile=user.mobile)
    headers = auth(client, user.mobile)
    voip, alert = f"{'a1' * 30}{user.id:04d}", f"{'b2' * 30}{user.id:04d}"
    for token, kind in ((voip, "voip"), (alert, "alert")):
        r = client.post("/api/v1/me/push-devices", headers=headers, json={
            "platform": "ios", "token": token, "token_kind": kind, "app_id": "no.example.pbx"})
        assert r.status_code in (200, 201), r.get_json()
    trunk = peers("caller", "trunk_uac.xml", f"127.0.0.1:{gateway.port}", "-s", user.office,
                  "-key", "caller", "+4791234567", "-d", "300")
    assert trunk.wait() == 0 and soft.wait() == 0
    assert mobile.received("INVITE")                    # the mobile network rang the phone
    incoming = wait_until(lambda: [p for p in sink[0].after(alert, 0, 0)
                                   if p["kind"] == "incoming_call"], what="the alert")
    assert len(incoming) == 1 and incoming[0]["payload"]["aps"]["interruption-level"] == \
        "time-sensitive"
    wait_until(lambda: [p for p in sink[0].after(alert, 0, 0) if p["kind"] == "call_ended"],
               what="the alert cleared")
    assert sink[0].after(voip, 0, 0) == []               # CallKit never asked to ring
    assert mobile.wait() == 0                          # and was cancelled when I answered


def test_a_placed_call_is_held_and_taken_back_from_the_app(app, db, client, gateway, peers,
                                                           ports):
    me = Placing(app, db, client, peers, soft="phone_answer_hang_up.xml",
                 soft_args=("-d", "4000"))
    trunk = peers("trunk", "phone_answer.xml", port=ports["trunk"])
    call_id = me.finished(me.place(number=DEST))["call_id"]

    def state():
        return [c["state"] for c in client.get("/api/v1/me/calls", headers=me.headers)
                .get_json() if c["id"] == call_id]
    for what, shown in (("hold", "held"), ("retrieve", "answered")):
        r = client.post(f"/api/v1/me/calls/{call_id}/{what}", headers=me.headers)
        assert r.status_code == 202, r.get_json()
        done = me.finished(r.get_json())
        assert (done["state"], done["result"]) == ("done", "done")
        wait_until(lambda: state() == [shown], what=f"the call {shown}")
    assert me.soft.wait() == 0 and trunk.wait() == 0   # still connected until I hung up
    assert wait_until(lambda: [e for e in me.user.log() if e.direction == "outgoing"],
                      what="the call in my log")[0].status == "answered"


def _hears_while_ringing(app, db, client, peers, ports, tmp_path, destination: str) -> tuple:
    """A call-through whose device (SIPp, its audio at an ear of the test's own) answers at
    once, to a destination that sends an 1100 Hz tone from the moment it has media and
    answers after 2.5 s: what the device heard before and after that answer."""
    ear = Ear()
    try:
        me = Placing(app, db, client, peers, soft="phone_answer.xml", soft_args=(),
                     soft_scenario=ear.scenario(tmp_path, "phone_answer.xml"))
        sound = tone_pcap(tmp_path / "destination.pcap", 5.0, 1100.0)   # what it says
        trunk = peers("trunk", destination, "-d", "2500", "-key", "sound", sound,
                      port=ports["trunk"])
        assert me.finished(me.place(number=DEST))["result"] == "bridged"
        assert trunk.wait() == 0 and me.soft.wait() == 0   # the destination hung up
        answered = next(w for d, w, t in trunk.messages()
                        if d == "sent" and t.startswith("SIP/2.0 200"))
        # a frame's way through the gateway's bridge: a tenth of a second either side
        return ear.heard(before=answered - 0.1), ear.heard(after=answered + 0.1)
    finally:
        ear.close()


def test_the_device_hears_ringback_while_the_destination_rings_then_the_destination(
        app, db, client, gateway, peers, ports, tmp_path):
    ringing, talking = _hears_while_ringing(app, db, client, peers, ports, tmp_path,
                                            "dest_ring_then_talk.xml")
    assert len(ringing) >= 25, len(ringing)   # half a second at least of the 1 s tone
    assert abs(strongest_hz(ringing) - 425.0) < 20        # the ringing tone
    assert len(talking) >= 50, len(talking)   # 2 s of the destination's voice, bridged
    assert abs(strongest_hz(talking) - 1100.0) < 20       # and no more ringing


def test_the_device_hears_the_destinations_early_media_instead_of_the_ringback(
        app, db, client, gateway, peers, ports, tmp_path):
    ringing, talking = _hears_while_ringing(app, db, client, peers, ports, tmp_path,
                                            "dest_early_media.xml")
    assert len(ringing) >= 50, len(ringing)   # the network's own sound while it rings
    assert abs(strongest_hz(ringing) - 1100.0) < 20
    assert len(talking) >= 50, len(talking)
    assert abs(strongest_hz(talking) - 1100.0) < 20
