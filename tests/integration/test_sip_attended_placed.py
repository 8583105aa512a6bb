"""A phone's attended transfer of a call it placed itself, on the wire: the user's desk phone
(SIPp) calls a customer out through the trunk or a colleague through the gateway, holds them,
consults a colleague from a second line, then presses Transfer (REFER with Replaces naming
the consultation). The party the phone called then talks to the colleague it consulted."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    PHONES, User, gateway, gateway_settles, logged, peers, ports, sink)
from tests.integration.test_sip_refer import Referring
from tests.support.api import auth, make_company
from tests.support.sip import header, press_transfer, sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""), pytest.mark.once]
CALLED = "+4755512345"


class PlacedThenConsulting:
    """Alice's desk phone called `called` (through the gateway) and the far phone answered;
    the desk holds it and consults `consulted` from a second line (`consult`), who answers
    on their phone (the second line is `by`'s phone when given: a call not Alice's).
    `press()` is the desk's Transfer button, naming the consultation."""

    def __init__(self, gateway, peers, alice: User, called: str, consulted: User,
                 by: User | None = None) -> None:
        self.gateway, self.alice = gateway, alice
        short = consulted.row.short_number
        self.desk = peers("desk", "device_uac_attended.xml", f"127.0.0.1:{gateway.port}",
                          "-s", called, "-key", "caller", alice.office, "-key", "target",
                          f"sip:{short}@127.0.0.1:{gateway.port}", ip=PHONES)
        wait_until(lambda: len(self.desk.received("SIP/2.0 200")) >= 2,
                   what="the desk's call answered and its hold taken")
        self.consult = peers("consult", "phone_consult.xml", f"127.0.0.1:{gateway.port}",
                             "-s", short, "-key", "caller", (by or alice).office,
                             "-cid_str", "consult-%u@alice.example", ip=PHONES)
        answer = wait_until(lambda: self.consult.received("SIP/2.0 200"),
                            what="the consultation answered")[0]
        self.b_call_id = header(answer, "Call-ID")
        self.b_tags = (header(answer, "To").rsplit("tag=", 1)[1].split(";")[0],
                       header(answer, "From").rsplit("tag=", 1)[1].split(";")[0])
        self.phone = self.desk   # where `Referring` reads the REFER's answer and NOTIFYs

    def press(self) -> None:
        sent = next(t for d, _, t in self.desk.messages() if d == "sent"
                    and t.startswith("INVITE"))
        to_tag, from_tag = self.b_tags
        press_transfer(self.desk, PHONES, header(sent, "Call-ID"),
                       f"{self.b_call_id};to-tag={to_tag};from-tag={from_tag}")

    refer_status, notified = Referring.refer_status, Referring.notified


def _calls(client, headers) -> list[dict]:
    return client.get("/api/v1/me/calls", headers=headers).get_json()


def _transfer_entry(client, headers) -> dict:
    return wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=headers)
                               .get_json() if e["transfer"]],
                      what="the log entry with the transfer")[0]


def _joined_call(client, headers, other: str) -> dict:
    """The colleague's one live call, answered, with `other` (the party the phone called)."""
    return wait_until(lambda: [c for c in [_calls(client, headers)] if len(c) == 1
                               and c[0]["other_number"] == other
                               and c[0]["state"] == "answered"],
                      what="the colleague's one live call, with the called party")[0][0]


def test_the_phones_attended_transfer_of_a_call_it_placed_out_joins_the_customer_to_bob(
        app, db, client, gateway, peers, ports):
    company = make_company(app)
    alice, bob = (User(app, db, client, who, company=company) for who in ("alice", "bob"))
    far = peers("far_end", "phone_answer.xml", port=ports["trunk"])
    bob_phone = peers("bob", "phone_answer.xml")
    bob.devices(softphone=f"sip:bob@127.0.0.1:{bob_phone.port}")
    mine, his = auth(client, alice.mobile), auth(client, bob.mobile)
    call = PlacedThenConsulting(gateway, peers, alice, CALLED, bob)
    call.press()

    assert call.refer_status() == 202
    assert call.notified() == ["SIP/2.0 100 Trying", "SIP/2.0 200 OK"]
    assert call.desk.wait() == 0 and call.consult.wait() == 0   # both lines released (BYE)
    wait_until(lambda: _calls(client, mine) == [], what="alice free of both calls")
    # Bob's consultation with Alice is over: he talks to the customer Alice had called
    live = _joined_call(client, his, CALLED)
    assert client.get("/api/v1/me/routing-preview", headers=his).get_json()["busy"] is True
    r = client.post(f"/api/v1/me/calls/{live['id']}/hangup", headers=his)
    assert r.status_code == 202, r.get_json()   # Bob hangs up: the customer's call ends too
    assert far.wait() == 0 and far.received("BYE")
    assert bob_phone.wait() == 0 and bob_phone.received("BYE")
    entry = _transfer_entry(client, mine)
    assert (entry["direction"], entry["other_number"], entry["status"]) == (
        "outgoing", CALLED, "answered")
    assert (entry["transfer"]["method"], entry["transfer"]["state"]) == ("attended",
                                                                        "completed")
    assert entry["transfer"]["target"]["id"] == bob.id
    got = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=his)
                              .get_json() if e["other_number"] == CALLED],
                     what="the customer in Bob's log")[0]
    assert (got["direction"], got["status"]) == ("incoming", "answered")
    assert got["transferred_by_user_id"] == alice.id


def test_the_phones_attended_transfer_of_a_call_to_a_colleague_joins_him_to_the_one_consulted(
        app, db, client, gateway, peers):
    company = make_company(app, extra_users=("alice", "bob", "carol"))
    alice, bob, carol = (User(app, db, client, who, company=company)
                         for who in ("alice", "bob", "carol"))
    bob_phone, carol_phone = peers("bob", "phone_answer.xml"), peers("carol",
                                                                     "phone_answer.xml")
    bob.devices(softphone=f"sip:bob@127.0.0.1:{bob_phone.port}")
    carol.devices(softphone=f"sip:carol@127.0.0.1:{carol_phone.port}")
    mine, bobs, carols = (auth(client, u.mobile) for u in (alice, bob, carol))
    call = PlacedThenConsulting(gateway, peers, alice, bob.row.short_number, carol)
    wait_until(lambda: [c["state"] for c in _calls(client, bobs)] == ["held"],
               what="Bob's call held by Alice's phone")
    call.press()

    assert call.refer_status() == 202
    assert call.notified() == ["SIP/2.0 100 Trying", "SIP/2.0 200 OK"]
    assert call.desk.wait() == 0 and call.consult.wait() == 0
    wait_until(lambda: _calls(client, mine) == [], what="alice free of both calls")
    # Carol talks to Bob now; Bob's own call goes on, no longer held, showing Carol
    live = _joined_call(client, carols, bob.office)
    wait_until(lambda: [(c["state"], c["other_number"]) for c in _calls(client, bobs)]
               == [("answered", carol.office)], what="Bob's call showing Carol")
    r = client.post(f"/api/v1/me/calls/{live['id']}/hangup", headers=carols)
    assert r.status_code == 202, r.get_json()   # Carol hangs up: Bob's phone is let go too
    assert bob_phone.wait() == 0 and bob_phone.received("BYE")
    assert carol_phone.wait() == 0 and carol_phone.received("BYE")
    wait_until(lambda: _calls(client, bobs) == [], what="Bob free again")
    entry = _transfer_entry(client, mine)
    assert (entry["direction"], entry["other_number"], entry["status"]) == (
        "outgoing", bob.office, "answered")
    assert (entry["transfer"]["method"], entry["transfer"]["state"]) == ("attended",
                                                                        "completed")
    assert entry["transfer"]["target"]["id"] == carol.id
    hers = wait_until(lambda: client.get("/api/v1/me/call-log", headers=carols).get_json(),
                      what="the call in Carol's log")
    joined = [e for e in hers if e["transferred_by_user_id"] == alice.id]
    assert [(e["direction"], e["other_number"], e["status"]) for e in joined] == [
        ("incoming", bob.office, "answered")]
    his = logged(bob, "answered")[0]
    assert (his.direction, his.other_number) == ("incoming", alice.office)


def test_an_attended_refer_on_a_placed_call_naming_a_colleagues_call_is_refused_481(
        app, db, client, gateway, peers, ports):
    company = make_company(app, extra_users=("alice", "bob", "carol"))
    alice, bob, carol = (User(app, db, client, who, company=company)
                         for who in ("alice", "bob", "carol"))
    far = peers("far_end", "phone_answer.xml", port=ports["trunk"])
    bob_phone = peers("bob", "phone_answer.xml")
    bob.devices(softphone=f"sip:bob@127.0.0.1:{bob_phone.port}")
    mine, his = auth(client, alice.mobile), auth(client, bob.mobile)
    # the call the REFER names is Carol's to Bob, not one of Alice's: nothing is told about it
    call = PlacedThenConsulting(gateway, peers, alice, CALLED, bob, by=carol)
    call.press()

    assert call.refer_status() == 481
    assert not call.consult.received("BYE") and not bob_phone.received("BYE")
    # the customer's call goes on with Alice's desk, held: hanging it up from the app ends it
    placed = [c for c in _calls(client, mine) if c["other_number"] == CALLED]
    assert [c["state"] for c in placed] == ["held"]
    r = client.post(f"/api/v1/me/calls/{placed[0]['id']}/hangup", headers=mine)
    assert r.status_code == 202, r.get_json()
    assert far.wait() == 0 and call.desk.wait() == 0 and call.desk.received("BYE")
    entry = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=mine)
                                .get_json() if e["other_number"] == CALLED],
                       what="the customer's call in Alice's log")[0]
    assert entry["status"] == "answered" and entry["transfer"] is None
    # Carol's call to Bob goes on too, until he hangs it up
    r = client.post(f"/api/v1/me/calls/{_calls(client, his)[0]['id']}/hangup", headers=his)
    assert r.status_code == 202, r.get_json()
    assert call.consult.wait() == 0 and bob_phone.wait() == 0
