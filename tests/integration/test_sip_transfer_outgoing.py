"""Transfers of a call the user placed from their own desk phone, on the wire: SIPp plays the
desk phone calling out, the party it called behind the trunk, the user's softphone and a
colleague's. The party the user called is the one moved to the target."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    PHONES, User, gateway, gateway_settles, logged, peers, ports, sink)
from tests.integration.test_sip_transfer import _bob
from tests.support.api import auth
from tests.support.sip import header, sip_tools_missing, wait_until

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
    entry = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=p.headers)
                                .get_json() if e["transfer"]], what="my entry with the transfer")
    assert (entry[0]["transfer"]["method"], entry[0]["transfer"]["state"]) == ("blind",
                                                                              "completed")
    assert entry[0]["transfer"]["target"]["id"] == carol.id
    his = logged(p.colleague, "answered")[0]
    assert (his.direction, his.other_number) == ("incoming", p.user.office)


def test_the_phones_transfer_button_on_a_call_it_placed_to_a_colleague_moves_the_colleague(
        app, db, client, gateway, peers, ports):
    from tests.integration.test_sip_refer import Referring

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
    entry = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=p.headers)
                                .get_json() if e["transfer"]], what="my entry with the transfer")
    assert (entry[0]["direction"], entry[0]["other_number"]) == ("outgoing",
                                                                  p.bob.office_number)
    assert (entry[0]["transfer"]["method"], entry[0]["transfer"]["state"]) == ("blind",
                                                                              "completed")
    assert entry[0]["transfer"]["target"]["id"] == p.carol.id
    assert wait_until(lambda: p.my_calls() == [], what="the call to leave my calls")


def test_the_phones_transfer_button_on_a_call_it_placed_out_moves_the_called_party(
        app, db, client, gateway, peers, ports):
    from tests.integration.test_sip_refer import Referring

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
    entry = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=headers)
                                .get_json() if e["transfer"]], what="my entry with the transfer")
    assert (entry[0]["direction"], entry[0]["other_number"]) == ("outgoing", CALLED)
    assert (entry[0]["transfer"]["method"], entry[0]["transfer"]["target"]["id"]) == (
        "blind", bob.id)


def test_a_call_my_phone_placed_to_a_colleague_transferred_with_return_comes_back_to_me(
        app, db, client, gateway, peers, ports):
    p = ToColleague(app, db, client, gateway, peers, "phone_answer.xml",
                    carol=("phone_no_answer.xml",))
    soft = peers("soft", "phone_answer.xml")
    p.user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    transfer = p.transfer(p.carol, "with_return", timeout_s=5)

    # my desk phone is let go at once; Carol's phone rings showing Bob, the colleague I called
    assert p.desk.wait() == 0 and p.desk.received("BYE")
    invite = wait_until(lambda: p.carol_phone.received("INVITE"), what="Carol's phone to ring")
    assert p.bob.office_number in header(invite[0], "From")
    assert p.state(transfer, "returned")["reason"] == "no_answer"
    assert p.carol_phone.wait() == 0 and p.carol_phone.received("CANCEL")
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
    mine = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=p.headers)
                               .get_json() if e["transfer"]], what="my entry with the transfer")
    assert (mine[0]["direction"], mine[0]["other_number"], mine[0]["status"]) == (
        "outgoing", p.bob.office_number, "answered")
    assert (mine[0]["transfer"]["method"], mine[0]["transfer"]["state"]) == ("with_return",
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
