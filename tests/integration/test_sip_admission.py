"""Admission control: a gateway holding as many calls as it may answers a new INVITE `503`
with `Retry-After` at once (no routing, no ringing), and takes calls again once one ends."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import CALLER, User
from tests.support.api import auth
from tests.support.sip import Gateway, header, wait_until
from tests.support.sip_fixtures import gateway_settles, peers, ports, sink  # noqa: F401

pytestmark = [pytest.mark.once]


@pytest.fixture(scope="module")
def gateway(app, database_url, tmp_path_factory, sink, ports):  # noqa: F811
    gw = Gateway(database_url, tmp_path_factory.mktemp("gw"), trunk_port=ports["trunk"],
                 voicemail_port=ports["voicemail"], sink_url=sink[1],
                 env={"SIP_MAX_ACTIVE_CALLS": "1", "SIP_RETRY_AFTER_S": "7"})
    yield gw
    gw.stop()


def _live(client, user: User, state: str) -> list:
    calls = client.get("/api/v1/me/calls", headers=auth(client, user.mobile)).get_json()
    return [c for c in calls if c["state"] == state]


def test_a_full_gateway_refuses_a_new_call_with_retry_after_and_takes_calls_again_once_one_ended(
        app, db, client, gateway, peers):  # noqa: F811
    alice = User(app, db, client)
    bob = User(app, db, client, "bob", company=alice.company)
    ringing_phone = peers("alice", "phone_no_answer.xml")
    alice.devices(softphone=f"sip:alice@127.0.0.1:{ringing_phone.port}")
    bob_phone = peers("bob", "phone_answer.xml")
    bob.devices(softphone=f"sip:bob@127.0.0.1:{bob_phone.port}")

    # the one call the gateway may hold: Alice's phone rings
    first = peers("trunk1", "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}", "-s",
                  alice.office, "-key", "caller", CALLER)
    ringing = wait_until(lambda: _live(client, alice, "ringing"), what="Alice's call ringing")

    # a second call, to a colleague whose phone would answer: refused at once
    second = peers("trunk2", "trunk_uac.xml", f"127.0.0.1:{gateway.port}", "-s", bob.office,
                   "-key", "caller", "+4791234500")
    assert second.wait() == 0
    refusal = second.received("SIP/2.0 503")
    assert refusal and header(refusal[0], "Retry-After") == "7"
    assert not second.received("SIP/2.0 180") and not bob_phone.received("INVITE")
    assert gateway.events("calls_refused_overload")
    assert not _live(client, bob, "ringing") and not _live(client, bob, "answered")

    # the first call ends (hung up from Alice's app): the gateway takes calls again
    r = client.post(f"/api/v1/me/calls/{ringing[0]['id']}/hangup",
                    headers=auth(client, alice.mobile))
    assert r.status_code == 202
    first.wait()
    gateway.settle()
    third = peers("trunk3", "trunk_uac.xml", f"127.0.0.1:{gateway.port}", "-s", bob.office,
                  "-key", "caller", "+4791234501")
    assert third.wait() == 0
    assert third.received("SIP/2.0 200") and not third.received("SIP/2.0 503")
    assert bob_phone.received("INVITE")
