"""Routing against SIPp: one phone after another, a call to the mobile number through a
meeting, and an ended lunch that brings a queue agent back for the very next call."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from api.core import clock

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures: one gateway per module)
    User, call, final_status, gateway, gateway_settles, logged, peers, ports, sink)
from tests.integration.test_sip_queues import Company, dial_queue, phone, uri
from tests.support.sip import header, sip_tools_missing

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")


def test_one_after_another_rings_the_desk_phone_alone_then_the_softphone_answers(
        app, db, client, gateway, peers):
    user = User(app, db, client)
    desk = peers("desk", "phone_no_answer.xml")
    soft = peers("soft", "phone_answer.xml", "-d", "300")
    user.devices(deskphone=f"sip:desk@127.0.0.1:{desk.port}",
                 softphone=f"sip:soft@127.0.0.1:{soft.port}")
    user.profile(ring_order="one_after_another", ring_each=2, no_answer_after=15,
                 devices=["deskphone", "softphone"])

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and desk.wait() == 0 and soft.wait() == 0
    assert final_status(trunk) == 200
    call_id = header(trunk.received("SIP/2.0 200")[0], "Call-ID")
    assert [json.loads(x)["kind"] for x in gateway.events("dial", call_id)] == \
        ["deskphone", "softphone"]
    assert desk.received("CANCEL")              # its turn ended before the next one rang
    # the softphone's turn starts when the desk phone's 2 s are over, not with it
    assert soft.first_time("INVITE") - desk.first_time("INVITE") >= 1.5
    assert logged(user, "answered")


def test_a_call_to_the_mex_mobile_rings_the_mobile_through_a_meeting_by_its_exception(
        app, db, client, gateway, peers, ports):
    from api.availability import services
    from api.availability.models import Profile

    user = User(app, db, client)
    soft = peers("soft", "phone_no_answer.xml", "-timeout", "6s")
    mobile = peers("mobile", "phone_answer.xml", port=ports["trunk"])
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}", mobile=user.mobile)
    meeting = db.query(Profile).filter_by(user_id=user.id, key="meeting").one()
    meeting.exceptions = [{"match": "anyone", "dialled": ["mobile"], "devices": ["mobile"],
                           "destination": {"kind": "ring"}, "label": "My mobile"}]
    db.commit()
    services.set_availability(db, user.tenant_id, user.id, user.id, meeting.id, None, None)

    trunk = call(peers, gateway, user.mobile)
    assert trunk.wait() == 0 and mobile.wait() == 0
    assert final_status(trunk) == 200
    assert mobile.received("INVITE")[0].startswith(f"INVITE sip:{user.mobile}@")
    assert not soft.received("INVITE")          # the meeting keeps the office phones quiet
    routed = json.loads(gateway.events("call_routed", header(
        trunk.received("SIP/2.0 200")[0], "Call-ID"))[0])
    assert (routed["user_id"], routed["direction"]) == (user.id, "incoming")
    assert routed["reason"]["rule"] == "exception:0" and routed["reason"]["dialled"] == "mobile"


def test_when_lunch_has_ended_the_next_queue_call_rings_the_agent_with_nobody_in_the_app(
        app, db, client, gateway, peers):
    from api.availability import profiles, services
    from api.availability.models import Profile

    q = Company(app, db, client, members=("alice",))
    alice = phone(peers, "alice", "phone_answer.xml")
    q.phone("alice", uri(alice))
    lunch = db.query(Profile).filter_by(user_id=q.ids["alice"], key="lunch").one()
    profiles.update_profile(db, q.tenant, lunch, {"queue_logout": "all"})
    real_now = clock.now()
    clock.freeze(real_now - timedelta(hours=1))  # she went to lunch an hour ago...
    try:
        services.set_availability(db, q.tenant.id, q.ids["alice"], q.ids["alice"], lunch.id,
                                  real_now - timedelta(seconds=1), None)  # ...until just now
    finally:
        clock.freeze(None)
    assert not q.member("alice").logged_in

    trunk = dial_queue(peers, gateway, q.number, hold_ms=500)
    assert trunk.wait() == 0 and alice.wait() == 0
    assert final_status(trunk) == 200 and alice.received("INVITE")
    assert q.ended("answered")
    assert q.member("alice").logged_in and not q.member("alice").logged_out_by_profile
