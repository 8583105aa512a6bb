"""Keys pressed during a call reach the other end through the gateway (RFC 4733 relayed
between the bridged legs, SIP INFO taken from phones), with a real softphone (baresip) as the
phone and SIPp or baresip as the caller behind the trunk."""
from __future__ import annotations

import json

import pytest

from tests.integration.test_sip_gateway import CALLER, User
from tests.support.sip_fixtures import (  # noqa: F401 (fixtures: one gateway per module)
    gateway, gateway_settles, peers, ports, sink)
from tests.integration.test_sip_queues import Company
from tests.support.api import auth, make_company
from tests.support.baresip import Baresip, baresip_missing
from tests.support.sip import sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif((sip_tools_missing() or baresip_missing()) is not None,
                                 reason=sip_tools_missing() or baresip_missing() or ""),
              pytest.mark.once]


@pytest.fixture(scope="module")
def phones(tmp_path_factory):
    """Three baresip phones for the module: two answer by themselves, one is the caller."""
    tmp = tmp_path_factory.mktemp("phones")
    started = {}
    try:
        for name, answer in (("desk", "auto"), ("colleague", "auto"), ("caller", "manual")):
            started[name] = Baresip(tmp, name, answer=answer)
        yield started
    finally:
        for phone in started.values():
            phone.stop()


@pytest.fixture(autouse=True)
def phones_idle(phones):
    """Every phone has hung up when a test ends (a test failing midway leaves no call)."""
    yield
    for phone in phones.values():
        if phone.calls():
            phone.hangup()


def _dial(caller: Baresip, gateway, number: str) -> int:
    mark = caller.mark()
    caller.dial(f"sip:{number}@127.0.0.1:{gateway.port}")
    return mark


def _relayed(gateway, direction: str) -> list[dict]:
    return [json.loads(x) for x in gateway.events("dtmf_relayed")
            if json.loads(x)["direction"] == direction]


def test_keys_a_caller_presses_reach_the_phone_the_call_rang(app, db, client, gateway, peers,
                                                             phones):
    desk = phones["desk"]
    user = User(app, db, client)
    user.devices(deskphone=desk.aor)
    mark = desk.mark()
    trunk = peers("trunk", "trunk_uac_keys.xml", f"127.0.0.1:{gateway.port}", "-s",
                  user.office, "-key", "caller", CALLER, "-d", "300")
    desk.event("CALL_ESTABLISHED", after=mark)
    assert desk.wait_keys("159#", mark) == "159#"
    desk.hangup()
    assert trunk.wait() == 0   # the caller got the gateway's BYE


def test_keys_pressed_on_the_phone_reach_the_caller_and_back(app, db, client, gateway, phones):
    desk, caller = phones["desk"], phones["caller"]
    user = User(app, db, client)
    user.devices(deskphone=desk.aor)
    mark_desk = desk.mark()
    mark = _dial(caller, gateway, user.office)
    desk.event("CALL_ESTABLISHED", after=mark_desk)
    caller.event("CALL_ESTABLISHED", after=mark)

    desk.send_keys("42*")
    assert caller.wait_keys("42*", mark) == "42*"
    caller.send_keys("7")
    assert desk.wait_keys("7", mark_desk) == "7"
    caller.hangup()
    desk.event("CALL_CLOSED", after=mark_desk)
    assert {e["went"] for e in _relayed(gateway, "to_caller")} == {"rfc4733"}


def test_keys_reach_the_colleague_a_call_was_transferred_to(app, db, client, gateway, phones):
    desk, colleague, caller = phones["desk"], phones["colleague"], phones["caller"]
    company = make_company(app)
    alice = User(app, db, client, "alice", company=company)
    bob = User(app, db, client, "bob", company=company)
    alice.devices(deskphone=desk.aor)
    bob.devices(deskphone=colleague.aor)
    mark_desk, mark_colleague = desk.mark(), colleague.mark()
    mark = _dial(caller, gateway, alice.office)
    desk.event("CALL_ESTABLISHED", after=mark_desk)
    caller.event("CALL_ESTABLISHED", after=mark)
    headers = auth(client, alice.mobile)
    call_id = wait_until(lambda: [c["id"] for c in client.get(
        "/api/v1/me/calls", headers=headers).get_json() if c["state"] == "answered"],
        what="alice's answered call")[0]
    r = client.post(f"/api/v1/me/calls/{call_id}/transfer",
                    headers={**headers, "Idempotency-Key": "keys"},
                    json={"target": {"kind": "colleague", "id": bob.id}, "method": "blind"})
    assert r.status_code == 202, r.get_json()

    desk.event("CALL_CLOSED", after=mark_desk)   # alice's phone is released
    colleague.event("CALL_ESTABLISHED", after=mark_colleague)
    caller.send_keys("31")
    assert colleague.wait_keys("31", mark_colleague) == "31"
    caller.hangup()
    colleague.event("CALL_CLOSED", after=mark_colleague)


def test_keys_reach_the_member_who_answered_a_queue_call(app, db, client, gateway, phones):
    desk, caller = phones["desk"], phones["caller"]
    company = Company(app, db, client, members=("alice",))
    company.phone("alice", desk.aor)
    mark_desk = desk.mark()
    mark = _dial(caller, gateway, company.number)
    desk.event("CALL_ESTABLISHED", after=mark_desk)
    caller.event("CALL_ESTABLISHED", after=mark)
    caller.send_keys("1")   # in the queue, 1 asks for a callback; answered, it is a key
    assert desk.wait_keys("1", mark_desk) == "1"
    desk.send_keys("9")
    assert caller.wait_keys("9", mark) == "9"
    caller.hangup()
    desk.event("CALL_CLOSED", after=mark_desk)


def test_a_phone_sending_keys_as_sip_info_is_heard_and_hears_the_caller_by_info(
        app, db, client, gateway, peers, phones):
    caller = phones["caller"]
    user = User(app, db, client)
    soft = peers("soft", "phone_info_keys.xml")
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    mark = _dial(caller, gateway, user.office)
    caller.event("CALL_ESTABLISHED", after=mark)

    assert caller.wait_keys("48", mark) == "48"   # dtmf-relay and dtmf; the bad body got 400
    caller.send_keys("6")
    info = wait_until(lambda: soft.received("INFO"), what="the key as INFO at the phone")[0]
    assert "application/dtmf-relay" in info and "Signal=6" in info
    caller.hangup()
    assert soft.wait() == 0


def test_a_phone_that_holds_and_resumes_the_call_shows_held_and_then_hears_the_keys_again(
        app, db, client, gateway, phones):
    desk, caller = phones["desk"], phones["caller"]
    user = User(app, db, client)
    user.devices(deskphone=desk.aor)
    headers = auth(client, user.mobile)
    mark_desk = desk.mark()
    mark = _dial(caller, gateway, user.office)
    desk.event("CALL_ESTABLISHED", after=mark_desk)
    caller.event("CALL_ESTABLISHED", after=mark)

    def state(wanted: str):
        return wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=headers)
                                   .get_json() if c["state"] == wanted],
                          what=f"my call {wanted}")

    state("answered")
    desk.hold()
    state("held")
    desk.resume()
    state("answered")
    caller.send_keys("0")
    assert desk.wait_keys("0", mark_desk) == "0"
    caller.hangup()
    desk.event("CALL_CLOSED", after=mark_desk)
