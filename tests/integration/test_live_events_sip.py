"""A real call through the SIP gateway (SIPp as the trunk and as the callee's softphone)
seen on the app's live stream, served by two gunicorn workers: the callee's stream hears the
call ring, be answered and end; a colleague's stream hears the callee go into a call and out."""
from __future__ import annotations

import pytest

from mobile_client_sim.events import EventStream
from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures: one gateway per module)
    CALLER, User, call, final_status, gateway, gateway_settles, peers, ports, sink)
from tests.support.api import make_company
from tests.support.events import app_of, presence_of
from tests.support.sip import sip_tools_missing

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")
WITHIN_S = 10.0


def call_event(what: str):
    return lambda e: e.kind == "call" and e.data["event"] == what


@pytest.mark.once   # the fan-out on each database is proven by test_live_events.py
def test_a_sipp_call_rings_is_answered_and_ends_on_the_callees_and_a_colleagues_streams(
        app, db, client, gateway, peers, events_api_url):
    company = make_company(app, extra_users=("alice", "bob"))
    bob = User(app, db, client, "bob", company)
    soft = peers("soft", "phone_answer.xml", "-d", "500")
    bob.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    bobs_app = app_of(events_api_url, bob.mobile)
    alices_app = app_of(events_api_url, company.users["alice"])
    with EventStream(bobs_app) as mine, EventStream(alices_app) as colleague:
        trunk = call(peers, gateway, bob.office, hold_ms=500)
        ringing = mine.wait_for(call_event("ringing"), WITHIN_S)
        answered = mine.wait_for(call_event("answered"), WITHIN_S)
        ended = mine.wait_for(call_event("ended"), WITHIN_S)
        free = colleague.wait_for(lambda e: presence_of(bob.id)(e) and not e.data["in_call"],
                                  WITHIN_S)
    assert trunk.wait() == 0 and soft.wait() == 0 and final_status(trunk) == 200
    assert ringing is not None and answered is not None and ended is not None
    assert ringing.data["call"]["other_number"] == CALLER
    assert ringing.data["call"]["direction"] == "incoming"
    assert answered.data["call"]["id"] == ringing.data["call"]["id"] == ended.data["call"]["id"]
    assert answered.data["call"]["state"] == "answered" and answered.data["call"]["answered_at"]
    ours = [e.id for e in mine.received if e.kind == "call"]
    assert ours == sorted(ours) and ringing.id < answered.id < ended.id
    busy = [e.data["in_call"] for e in colleague.received if presence_of(bob.id)(e)]
    assert busy[0] is True and busy[-1] is False and free is not None
    assert [e for e in colleague.received if e.kind == "call"] == []   # bob's call is his


@pytest.mark.once
@pytest.mark.parametrize("hold", ["sendonly", "inactive"])
def test_a_phone_that_holds_the_call_and_takes_it_back_shows_held_then_answered(
        app, db, client, gateway, peers, events_api_url, hold):
    company = make_company(app, extra_users=("bob",))
    bob = User(app, db, client, "bob", company)
    soft = peers("soft", "phone_answer_hold.xml", "-d", "300", "-key", "hold", hold)
    bob.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    bobs_app = app_of(events_api_url, bob.mobile)
    with EventStream(bobs_app) as mine:
        trunk = call(peers, gateway, bob.office, hold_ms=4000)   # the phone is done by then
        held = mine.wait_for(call_event("held"), WITHIN_S)
        resumed = mine.wait_for(call_event("resumed"), WITHIN_S)
        ended = mine.wait_for(call_event("ended"), WITHIN_S)
    assert trunk.wait() == 0 and soft.wait() == 0
    assert held is not None and held.data["call"]["state"] == "held"
    assert resumed is not None and resumed.data["call"]["state"] == "answered"
    assert ended is not None
