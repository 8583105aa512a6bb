"""Transfers of a call the user placed from their own desk phone, on the wire: SIPp plays the
desk phone calling out, the party it called behind the trunk, the user's softphone and a
colleague's. The party the user called is the one moved to the target: from the app, by the
phone's Transfer button (blind), and by its attended transfer (hold, consult a colleague on a
second line, then REFER with Replaces naming the consultation)."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    PHONES, User, gateway, gateway_settles, logged, peers, ports, sink)
from tests.integration.test_sip_transfer import _bob, in_a_meeting
from tests.integration.test_sip_refer import Referring
from tests.support.api import auth, make_company
from tests.support.sip import header, press_transfer, sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""), pytest.mark.once]
CALLED = "+4755512345"


class Placed:
    """The user's desk phone called CALLED out through the trunk; the far end answered."""

    def __init__(self, app, db, client, gateway, peers, ports, *, soft: tuple = (),
                 far: tuple = ("phone_answer.xml",)) -> None:
        self.user = User(app, db, client)
        self.client, self.headers = client, auth(client, self.user.mobile)
        self.soft = peers("soft", *soft) if soft else None
        if self.soft is not None:
            self.user.devices(softphone=f"sip:soft@127.0.0.1:{self.soft.port}")
        self.far = peers("far_end", *far, port=ports["trunk"])
        self.desk = peers("desk", "device_uac_released.xml", f"127.0.0.1:{gateway.port}",
                          "-s", CALLED, "-key", "caller", self.user.office, ip=PHONES)
        mine = wait_until(lambda: [c for c in self.my_calls() if c["state"] == "answered"],
                          what="the answered outgoing call in my calls")
        assert (mine[0]["direction"], mine[0]["other_number"]) == ("outgoing", CALLED)
        self.call_id = mine[0]["id"]

    def my_calls(self) -> list[dict]:
        return self.client.get("/api/v1/me/calls", headers=self.headers).get_json()

    def transfer(self, bob, method: str, timeout_s: int = 20) -> dict:
        r = self.client.post(f"/api/v1/me/calls/{self.call_id}/transfer", headers=self.headers,
                             json={"target": {"kind": "colleague", "id": bob.id},
                                   "method": method, "timeout_s": timeout_s})
        assert r.status_code == 202, r.get_json()
        return r.get_json()

    def state(self, transfer: dict, *states: str) -> dict:
        url = f"/api/v1/me/transfers/{transfer['id']}"
        return wait_until(lambda: (lambda t: t if t["state"] in states else None)(
            self.client.get(url, headers=self.headers).get_json()),
            what=f"the transfer to be {' or '.join(states)}")


def _logged(client, headers, keep=lambda e: e["transfer"], what="my entry with the transfer"
            ) -> dict:
    """The first entry of the user's call log that `keep` keeps, once there is one."""
    return wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=headers)
                               .get_json() if keep(e)], what=what)[0]


def test_an_outgoing_call_is_transferred_with_return_and_comes_back_to_my_softphone(
        app, db, client, gateway, peers, ports):
    p = Placed(app, db, client, gateway, peers, ports, soft=("phone_answer.xml", "-d", "300"))
    bob, bob_phone, _ = _bob(p.user, db, client, peers, "phone_no_answer.xml")
    transfer = p.transfer(bob, "with_return", timeout_s=5)

    # my desk phone is let go at once; Bob's phone rings showing the party I called
    assert p.desk.wait() == 0 and p.desk.received("BYE")
    invite = wait_until(lambda: bob_phone.received("INVITE"), what="Bob's phone to ring")[0]
    assert CALLED in header(invite, "From")
    assert p.state(transfer, "returned")["reason"] == "no_answer"
    assert bob_phone.wait() == 0 and bob_phone.received("CANCEL")

    # the call comes back: my softphone rings, showing the party I called, and answers
    back = wait_until(lambda: p.soft.received("INVITE"), what="my softphone to ring")[0]
    assert CALLED in header(back, "From")
    call = wait_until(lambda: [c for c in p.my_calls() if c["state"] == "answered"],
                      what="the call answered again")[0]
    assert call["id"] == p.call_id and call["other_number"] == CALLED
    # the party I called talks to me again: hanging up from the app ends it for both of us
    r = client.post(f"/api/v1/me/calls/{p.call_id}/hangup", headers=p.headers)
    assert r.status_code == 202, r.get_json()
    assert p.far.wait() == 0 and p.far.received("BYE")
    assert p.soft.wait() == 0 and p.soft.received("BYE")
    entry = logged(p.user, "answered")[0]
    assert (entry.direction, entry.other_number) == ("outgoing", CALLED)


def test_an_outgoing_call_transferred_blind_moves_the_called_party_to_the_colleague(
        app, db, client, gateway, peers, ports):
    p = Placed(app, db, client, gateway, peers, ports)
    bob, bob_phone, _ = _bob(p.user, db, client, peers, "phone_answer_hang_up.xml", "-d", "300")
    transfer = p.transfer(bob, "blind")

    assert p.state(transfer, "completed")["reason"] == "answered"
    assert p.desk.wait() == 0 and p.desk.received("BYE")
    assert CALLED in header(bob_phone.received("INVITE")[0], "From")
    # Bob talks to the party I called until he hangs up; then their call ends too
    assert bob_phone.wait() == 0 and p.far.wait() == 0 and p.far.received("BYE")
    assert wait_until(lambda: p.my_calls() == [], what="the call to leave my calls")


def test_an_outgoing_call_transferred_attended_lets_me_talk_to_the_colleague_first(
        app, db, client, gateway, peers, ports):
    # the party I called talks for five seconds, then hangs up
    p = Placed(app, db, client, gateway, peers, ports, far=("phone_answer_hang_up.xml", "-d",
                                                            "5000"))
    bob, bob_phone, _ = _bob(p.user, db, client, peers, "phone_answer.xml")
    transfer = p.transfer(bob, "attended")
    assert p.state(transfer, "consulting")       # Bob answered: I talk to him, still on my desk
    assert not p.desk.received("BYE")
    r = client.post(f"/api/v1/me/transfers/{transfer['id']}/complete", headers=p.headers)
    assert r.status_code == 202, r.get_json()
    assert p.state(transfer, "completed")
    assert p.desk.wait() == 0 and p.desk.received("BYE")
    assert CALLED in header(bob_phone.received("INVITE")[0], "From")
    # the party I called and Bob talk until they hang up; then Bob's phone is let go too
    assert p.far.wait() == 0 and bob_phone.wait() == 0 and bob_phone.received("BYE")


class ToColleague:
    """Alice's desk phone called Bob's short number through the gateway; Bob answered on his
    softphone (`bob` scenario). Carol works there too."""

    def __init__(self, app, db, client, gateway, peers, *bob: str, carol: tuple = (),
                 refers: bool = False) -> None:
        from tests.support.api import make_company

        company = make_company(app, extra_users=("alice", "bob", "carol"))
        self.user = User(app, db, client, "alice", company=company)
        self.client, self.headers = client, auth(client, self.user.mobile)
        self.bob, self.bob_phone, self.colleague = _bob(self.user, db, client, peers, *bob)
        self.carol = User(app, db, client, "carol", company=company)
        self.carol_phone = peers("carol", *carol) if carol else None
        if self.carol_phone is not None:
            self.carol.devices(softphone=f"sip:carol@127.0.0.1:{self.carol_phone.port}")
        if refers:   # the desk phone presses Transfer to Carol's short number once answered
            self.desk = self.dial(gateway, peers, "device_uac_refer.xml", "-key", "target",
                                  f"sip:{self.carol.row.short_number}@127.0.0.1:{gateway.port}")
            return
        self.desk = self.dial(gateway, peers, "device_uac_released.xml")
        mine = wait_until(lambda: [c for c in Placed.my_calls(self) if c["state"] == "answered"],
                          what="my answered call to Bob in my calls")
        assert (mine[0]["direction"], mine[0]["other_number"]) == ("outgoing",
                                                                     self.bob.office_number)
        self.call_id = mine[0]["id"]

    def dial(self, gateway, peers, scenario: str, *args: str):
        """Alice's desk phone calls Bob's short number."""
        return peers("desk", scenario, f"127.0.0.1:{gateway.port}", "-s",
                     self.bob.short_number, "-key", "caller", self.user.office, *args,
                     ip=PHONES)

    my_calls, transfer, state = Placed.my_calls, Placed.transfer, Placed.state


def test_a_call_my_phone_placed_to_a_colleague_is_mine_to_transfer_blind_to_a_third(
        app, db, client, gateway, peers, ports):
    p = ToColleague(app, db, client, gateway, peers, "phone_answer.xml",
                    carol=("phone_answer_hang_up.xml", "-d", "2000"))
    bob_calls = auth(client, p.bob.mobile)
    bobs = client.get("/api/v1/me/calls", headers=bob_calls).get_json()
    assert [(c["direction"], c["other_number"]) for c in bobs] == [("incoming", p.user.office)]
    carol, carol_phone = p.carol, p.carol_phone

    transfer = p.transfer(carol, "blind")
    assert p.state(transfer, "completed")["reason"] == "answered"
    # my desk phone is let go; Carol's phone shows Bob, the colleague I had called
    assert p.desk.wait() == 0 and p.desk.received("BYE")
    assert p.bob.office_number in header(carol_phone.received("INVITE")[0], "From")
    assert wait_until(lambda: p.my_calls() == [], what="the call to leave my calls")
    # Bob talks to Carol, his own call going on, until she hangs up: then his phone is let go
    assert [c["state"] for c in client.get("/api/v1/me/calls", headers=bob_calls)
            .get_json()] == ["answered"]
    assert carol_phone.wait() == 0 and p.bob_phone.wait() == 0 and p.bob_phone.received("BYE")
    assert wait_until(lambda: client.get("/api/v1/me/calls", headers=bob_calls).get_json()
                      == [], what="Bob free again")
    mine = logged(p.user, "answered")[0]
    assert (mine.direction, mine.other_number) == ("outgoing", p.bob.office_number)
    entry = _logged(client, p.headers)
    assert (entry["transfer"]["method"], entry["transfer"]["state"]) == ("blind",
                                                                              "completed")
    assert entry["transfer"]["target"]["id"] == carol.id
    his = logged(p.colleague, "answered")[0]
    assert (his.direction, his.other_number) == ("incoming", p.user.office)


def test_the_phones_transfer_button_on_a_call_it_placed_to_a_colleague_moves_the_colleague(
        app, db, client, gateway, peers, ports):
    p = ToColleague(app, db, client, gateway, peers, "phone_answer.xml",
                    carol=("phone_answer_hang_up.xml", "-d", "2000"), refers=True)
    p.phone = p.desk   # what the REFER's answer and NOTIFYs are read from
    assert Referring.refer_status(p) == 202
    assert Referring.notified(p) == ["SIP/2.0 100 Trying", "SIP/2.0 200 OK"]
    assert p.desk.wait() == 0 and p.desk.received("BYE")   # the desk phone is let go
    invite = wait_until(lambda: p.carol_phone.received("INVITE"), what="Carol's phone to ring")
    assert p.bob.office_number in header(invite[0], "From")
    # Bob talks to Carol until she hangs up; then his phone is let go
    assert p.carol_phone.wait() == 0 and p.bob_phone.wait() == 0 and p.bob_phone.received("BYE")
    entry = _logged(client, p.headers)
    assert (entry["direction"], entry["other_number"]) == ("outgoing",
                                                                  p.bob.office_number)
    assert (entry["transfer"]["method"], entry["transfer"]["state"]) == ("blind",
                                                                              "completed")
    assert entry["transfer"]["target"]["id"] == p.carol.id
    assert wait_until(lambda: p.my_calls() == [], what="the call to leave my calls")


def test_the_phones_transfer_button_on_a_call_it_placed_out_moves_the_called_party(
        app, db, client, gateway, peers, ports):
    user = User(app, db, client)
    headers = auth(client, user.mobile)
    bob, bob_phone, _ = _bob(user, db, client, peers, "phone_answer_hang_up.xml", "-d", "2000")
    far = peers("far_end", "phone_answer.xml", port=ports["trunk"])
    desk = peers("desk", "device_uac_refer.xml", f"127.0.0.1:{gateway.port}", "-s", CALLED,
                 "-key", "caller", user.office, "-key", "target",
                 f"sip:{bob.short_number}@127.0.0.1:{gateway.port}", ip=PHONES)
    refer = type("Refer", (), {"phone": desk})()
    assert Referring.refer_status(refer) == 202
    assert Referring.notified(refer) == ["SIP/2.0 100 Trying", "SIP/2.0 200 OK"]
    assert desk.wait() == 0 and desk.received("BYE")
    invite = wait_until(lambda: bob_phone.received("INVITE"), what="Bob's phone to ring")[0]
    assert CALLED in header(invite, "From")
    # Bob talks to the party I called until he hangs up; then their call ends too
    assert bob_phone.wait() == 0 and far.wait() == 0 and far.received("BYE")
    entry = _logged(client, headers)
    assert (entry["direction"], entry["other_number"]) == ("outgoing", CALLED)
    assert (entry["transfer"]["method"], entry["transfer"]["target"]["id"]) == (
        "blind", bob.id)


def test_a_call_my_phone_placed_to_a_colleague_transferred_with_return_comes_back_to_me(
        app, db, client, gateway, peers, ports):
    p = ToColleague(app, db, client, gateway, peers, "phone_answer.xml")
    soft = peers("soft", "phone_answer.xml")
    p.user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    in_a_meeting(db, p.carol.row)
    transfer = p.transfer(p.carol, "with_return")

    # my desk phone is let go at once; Carol is in a meeting: the call comes back at once
    assert p.desk.wait() == 0 and p.desk.received("BYE")
    assert p.state(transfer, "returned")["reason"] == "unavailable"
    # the call comes back: my softphone rings, showing Bob, and answers; Bob's call went on
    back = wait_until(lambda: soft.received("INVITE"), what="my softphone to ring")[0]
    assert p.bob.office_number in header(back, "From")
    call = wait_until(lambda: [c for c in p.my_calls() if c["state"] == "answered"],
                      what="my call answered again")[0]
    assert call["id"] == p.call_id and call["other_number"] == p.bob.office_number
    assert not p.bob_phone.received("BYE")
    # hanging up from the app ends it for Bob and me
    r = client.post(f"/api/v1/me/calls/{p.call_id}/hangup", headers=p.headers)
    assert r.status_code == 202, r.get_json()
    assert p.bob_phone.wait() == 0 and p.bob_phone.received("BYE")
    assert soft.wait() == 0 and soft.received("BYE")
    assert wait_until(lambda: p.my_calls() == [], what="the call to leave my calls")
    mine = _logged(client, p.headers)
    assert (mine["direction"], mine["other_number"], mine["status"]) == (
        "outgoing", p.bob.office_number, "answered")
    assert (mine["transfer"]["method"], mine["transfer"]["state"]) == ("with_return",
                                                                      "returned")
    his = logged(p.colleague, "answered")[0]
    assert (his.direction, his.other_number) == ("incoming", p.user.office)


def test_when_the_colleague_i_called_moves_me_on_from_his_app_my_call_shows_where_it_went(
        app, db, client, gateway, peers, ports):
    p = ToColleague(app, db, client, gateway, peers, "phone_answer.xml",
                    carol=("phone_answer.xml",))
    bob = auth(client, p.bob.mobile)
    his = client.get("/api/v1/me/calls", headers=bob).get_json()[0]
    r = client.post(f"/api/v1/me/calls/{his['id']}/transfer", headers=bob,
                    json={"target": {"kind": "colleague", "id": p.carol.id}, "method": "blind"})
    assert r.status_code == 202, r.get_json()

    assert p.bob_phone.wait() == 0 and p.bob_phone.received("BYE")   # Bob's phone let go
    # my call goes on with Carol now, and my calls say so
    mine = wait_until(lambda: [c for c in p.my_calls() if c["other_number"] == p.carol.office],
                      what="my call showing Carol")
    assert [(c["id"], c["state"]) for c in mine] == [(p.call_id, "answered")]
    r = client.post(f"/api/v1/me/calls/{p.call_id}/hangup", headers=p.headers)
    assert r.status_code == 202, r.get_json()
    assert p.desk.wait() == 0 and p.carol_phone.wait() == 0 and p.carol_phone.received("BYE")
    entry = logged(p.user, "answered")[0]   # my log keeps whom I called
    assert (entry.direction, entry.other_number) == ("outgoing", p.bob.office_number)


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
    entry = _logged(client, mine)
    assert (entry["direction"], entry["other_number"], entry["status"]) == (
        "outgoing", CALLED, "answered")
    assert (entry["transfer"]["method"], entry["transfer"]["state"]) == ("attended",
                                                                        "completed")
    assert entry["transfer"]["target"]["id"] == bob.id
    got = _logged(client, his, lambda e: e["other_number"] == CALLED,
                  "the customer in Bob's log")
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
    entry = _logged(client, mine)
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
    entry = _logged(client, mine, lambda e: e["other_number"] == CALLED,
                    "the customer's call in Alice's log")
    assert entry["status"] == "answered" and entry["transfer"] is None
    # Carol's call to Bob goes on too, until he hangs it up
    r = client.post(f"/api/v1/me/calls/{_calls(client, his)[0]['id']}/hangup", headers=his)
    assert r.status_code == 202, r.get_json()
    assert call.consult.wait() == 0 and bob_phone.wait() == 0


def test_when_the_colleague_i_called_moves_me_on_by_his_phones_attended_transfer_i_see_it(
        app, db, client, gateway, peers):
    company = make_company(app, extra_users=("alice", "bob", "carol"))
    alice, bob, carol = (User(app, db, client, who, company=company)
                         for who in ("alice", "bob", "carol"))
    carol_phone = peers("carol", "phone_answer.xml")
    carol.devices(softphone=f"sip:carol@127.0.0.1:{carol_phone.port}")
    bob_phone = peers("bob", "phone_attended.xml", "-key", "target",
                      f"sip:{carol.row.short_number}@127.0.0.1:{gateway.port}", ip=PHONES)
    bob.devices(deskphone=f"sip:bob@{PHONES}:{bob_phone.port}")
    mine, carols = auth(client, alice.mobile), auth(client, carol.mobile)
    desk = peers("desk", "device_uac_released.xml", f"127.0.0.1:{gateway.port}", "-s",
                 bob.row.short_number, "-key", "caller", alice.office, ip=PHONES)
    wait_until(lambda: bob_phone.received("SIP/2.0 200"), what="Bob's phone holding me")
    consult = peers("consult", "phone_consult.xml", f"127.0.0.1:{gateway.port}", "-s",
                    carol.row.short_number, "-key", "caller", bob.office,
                    "-cid_str", "consult-%u@bob.example", ip=PHONES)
    answer = wait_until(lambda: consult.received("SIP/2.0 200"), what="Carol answering Bob")[0]
    tags = [header(answer, h).rsplit("tag=", 1)[1].split(";")[0] for h in ("To", "From")]
    press_transfer(bob_phone, PHONES, header(bob_phone.received("INVITE")[0], "Call-ID"),
                   f"{header(answer, 'Call-ID')};to-tag={tags[0]};from-tag={tags[1]}")

    assert bob_phone.wait() == 0 and consult.wait() == 0   # Bob's two lines released
    # I talk to Carol now, and my call says so
    wait_until(lambda: [(c["state"], c["other_number"]) for c in _calls(client, mine)]
               == [("answered", carol.office)], what="my call showing Carol")
    live = _joined_call(client, carols, alice.office)
    r = client.post(f"/api/v1/me/calls/{live['id']}/hangup", headers=carols)
    assert r.status_code == 202, r.get_json()
    assert desk.wait() == 0 and desk.received("BYE") and carol_phone.wait() == 0
    assert _logged(client, carols, lambda e: e["transferred_by_user_id"] == bob.id,
                   "the call in Carol's log")["other_number"] == alice.office
