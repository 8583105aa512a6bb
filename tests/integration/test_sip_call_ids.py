"""pjsua hands a call id out again once its call is over, while the gateway's call object for
the old call can live on (a session keeps its dead legs until the whole call ends, and the
session itself may wait for a pending timer or for the garbage collector). The call that
reuses the id must be served to its end: here Bob's phone gets the dead leg's id and hangs
up itself, and the gateway must still hear it and hang up Bob's caller.

The gateway here has 4 call slots, so Bob's phone's leg is bound to reuse the dead leg's id.
When exactly the old object goes depends on the collector, so this test does not always
catch the hazard of `~Call` hitting the new call; `test_call_graves.py` checks the rule
that prevents it."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import CALLER, User
from tests.support.api import auth
from tests.support.push import sink as push_sink
from tests.support.sip import Gateway, free_port, sip_tools_missing, wait_until
from tests.support.sip_fixtures import peers  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")


@pytest.fixture
def gateway(app, database_url, tmp_path, db):
    with push_sink() as (_server, url):
        gw = Gateway(database_url, tmp_path / "gw", trunk_port=free_port(),
                     voicemail_port=free_port(), sink_url=url, max_calls=4)
        gw.register_wakeups(db)
        try:
            yield gw
            gw.settle()
        finally:  # a gateway that did not settle is stopped all the same
            gw.stop()


def _live(client, user: User, state: str) -> list:
    calls = client.get("/api/v1/me/calls", headers=auth(client, user.mobile)).get_json()
    return [c for c in calls if c["state"] == state]


def test_a_dead_leg_going_away_late_leaves_the_call_that_reuses_its_id_alone(
        app, db, client, gateway, peers):
    alice = User(app, db, client)
    bob = User(app, db, client, "bob", company=alice.company)
    busy = peers("busy", "phone_busy.xml")
    desk = peers("desk", "phone_no_answer.xml")
    alice.devices(softphone=f"sip:busy@127.0.0.1:{busy.port}",
                  deskphone=f"sip:desk@127.0.0.1:{desk.port}")
    # call 1's no-answer timer holds its session (and the dead leg) until it fires,
    # after call 1 was hung up and while Bob still talks
    alice.profile(no_answer_after=4)
    # Bob's phone answers at once and hangs up itself, after call 1's timer has fired
    bob_phone = peers("bob", "phone_answer_hang_up.xml", "-d", "6000")
    bob.devices(softphone=f"sip:bob@127.0.0.1:{bob_phone.port}")

    # call 1 rings Alice: her softphone is busy at once (a dead leg her call keeps),
    # her desk phone rings on
    first = peers("trunk1", "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}", "-s",
                  alice.office, "-key", "caller", CALLER)
    assert busy.wait() == 0
    ringing = wait_until(lambda: _live(client, alice, "ringing"), what="Alice's call")
    wait_until(lambda: desk.received("INVITE"), what="the desk phone to ring")

    # call 2 to Bob: the only free slot for his phone's leg is the dead leg's id. His
    # caller stays on until the gateway hangs up
    second = peers("trunk2", "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}", "-s",
                   bob.office, "-key", "caller", "+4791234500")
    wait_until(lambda: _live(client, bob, "answered"), what="Bob's call answered")

    # call 1 ends now (hung up from Alice's app); its session, with the dead leg, goes
    # when its no-answer timer has fired
    r = client.post(f"/api/v1/me/calls/{ringing[0]['id']}/hangup",
                    headers=auth(client, alice.mobile))
    assert r.status_code == 202
    wait_until(lambda: not _live(client, alice, "ringing"), what="call 1 to end")
    first.wait()

    # Bob hangs up: the gateway still hears his phone and hangs up his caller
    assert bob_phone.wait() == 0
    assert second.wait() == 0 and second.received("BYE ")
    # the call log is written by the gateway's recorder after the hang-up, not with it
    wait_until(lambda: bob.log(), what="Bob's call in his call log")
    assert [e.status for e in bob.log()] == ["answered"]
