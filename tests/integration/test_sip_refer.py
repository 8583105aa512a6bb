"""A phone's own Transfer button (SIP REFER, RFC 3515) with a real softphone (baresip): the
gateway runs the transfer as the app's own, tells the phone by NOTIFY, and refuses what it
cannot honour while the call goes on."""
from __future__ import annotations

import json

import pytest

from tests.integration.test_sip_dtmf import phones, phones_idle  # noqa: F401 (one set per module)
from tests.integration.test_sip_gateway import User
from tests.support.sip_fixtures import (  # noqa: F401 (fixtures: one gateway per module)
    gateway, gateway_settles, peers, ports, sink)
from tests.support.api import auth, make_company
from tests.support.baresip import baresip_missing
from tests.support.sip import header, press_transfer, sip_tools_missing, wait_until
from tests.support.sip_fixtures import PHONES

pytestmark = [pytest.mark.skipif((sip_tools_missing() or baresip_missing()) is not None,
                                 reason=sip_tools_missing() or baresip_missing() or ""),
              pytest.mark.once]


class Answered:
    """Alice's desk phone has answered a call from the caller's phone (both baresip)."""

    def __init__(self, app, db, client, gateway, phones) -> None:
        self.gateway = gateway
        self.desk, self.colleague, self.caller = (phones[k] for k in ("desk", "colleague",
                                                                     "caller"))
        company = make_company(app)
        self.alice = User(app, db, client, "alice", company=company)
        self.bob = User(app, db, client, "bob", company=company)
        self.alice.devices(deskphone=self.desk.aor)
        self.bob.devices(deskphone=self.colleague.aor)
        self.client, self.headers = client, auth(client, self.alice.mobile)
        self.at = {name: phone.mark() for name, phone in phones.items()}
        self.caller.dial(f"sip:{self.alice.office}@127.0.0.1:{gateway.port}")
        self.desk.event("CALL_ESTABLISHED", after=self.at["desk"])
        self.caller.event("CALL_ESTABLISHED", after=self.at["caller"])
        wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=self.headers)
                            .get_json() if c["state"] == "answered"], what="the answered call")

    def refers(self) -> list[dict]:
        return [json.loads(x) for x in self.gateway.events("refer")]


def test_the_phones_transfer_button_moves_the_call_to_a_colleague_and_the_log_says_so(
        app, db, client, gateway, phones):
    call = Answered(app, db, client, gateway, phones)
    short = call.bob.row.short_number
    call.desk.transfer(_gw(gateway, short))

    call.desk.event("CALL_CLOSED", after=call.at["desk"])     # alice's phone is released
    call.colleague.event("CALL_ESTABLISHED", after=call.at["colleague"])
    call.caller.send_keys("2")                                # the caller now talks to bob
    assert call.colleague.wait_keys("2", call.at["colleague"]) == "2"
    assert [r["status"] for r in call.refers()][-1] == 202
    call.caller.hangup()
    call.colleague.event("CALL_CLOSED", after=call.at["colleague"])
    entry = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log",
                                                      headers=call.headers).get_json()
                                if e["transfer"]], what="alice's log entry with the transfer")[0]
    assert entry["transfer"]["method"] == "blind"
    assert entry["transfer"]["target"]["kind"] == "colleague"
    assert entry["transfer"]["target"]["id"] == call.bob.id


class Referring:
    """Alice's phone is SIPp here (baresip hangs up itself when its REFER fails): it answers
    the caller's phone (baresip), then sends REFER to `target`."""

    def __init__(self, app, db, client, gateway, peers, phones, target) -> None:
        self.caller = phones["caller"]
        company = make_company(app)
        self.alice = User(app, db, client, "alice", company=company)
        self.bob = User(app, db, client, "bob", company=company)
        self.phone = peers("alice", "phone_refer.xml", "-key", "target", target(self))
        self.alice.devices(deskphone=f"sip:alice@127.0.0.1:{self.phone.port}")
        self.at = self.caller.mark()
        self.caller.dial(f"sip:{self.alice.office}@127.0.0.1:{gateway.port}")
        self.caller.event("CALL_ESTABLISHED", after=self.at)

    def refer_status(self) -> int:
        answer = wait_until(lambda: [t for d, _, t in self.phone.messages() if d == "received"
                                     and t.startswith("SIP/2.0") and "REFER" in t.split(
                                         "CSeq:", 1)[-1].split("\n", 1)[0]],
                            what="the answer to the REFER")[0]
        return int(answer.split()[1])

    def notified(self) -> list[str]:
        """The sipfrag status lines of the NOTIFYs, once the subscription has ended."""
        notes = wait_until(lambda: (lambda n: n if any("terminated" in x for x in n) else None)(
            self.phone.received("NOTIFY")), what="the NOTIFY that ends the subscription")
        return [x.rsplit("\n\n", 1)[-1].strip().split("\n")[0] for x in notes]

    def goes_on(self, db) -> None:
        """The caller still talks to alice's phone: it hangs up, alice's phone gets the BYE,
        and the call is logged answered (not failed)."""
        assert self.caller.command("listcalls")["data"].count("ESTABLISHED") == 1
        self.caller.hangup()
        assert self.phone.wait() == 0
        assert wait_until(lambda: [e.status for e in self.alice.log()],
                          what="alice's log entry") == ["answered"]


def _gw(gateway, number: str, host: str | None = None) -> str:
    return f"sip:{number}@{host or f'127.0.0.1:{gateway.port}'}"


def test_a_transfer_to_another_domain_is_refused_with_403_and_the_call_goes_on(
        app, db, client, gateway, peers, phones):
    call = Referring(app, db, client, gateway, peers, phones,
                     lambda c: _gw(gateway, c.bob.row.short_number, "pbx.elsewhere.example"))
    assert call.refer_status() == 403
    call.goes_on(db)


def test_an_attended_refer_naming_no_call_of_the_gateway_is_refused_481_and_the_call_goes_on(
        app, db, client, gateway, peers, phones):
    call = Referring(app, db, client, gateway, peers, phones, lambda c: _gw(
        gateway, c.bob.row.short_number) + "?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2")
    assert call.refer_status() == 481
    call.goes_on(db)


def test_a_transfer_to_a_number_nobody_has_is_accepted_then_fails_404_and_the_call_goes_on(
        app, db, client, gateway, peers, phones):
    call = Referring(app, db, client, gateway, peers, phones, lambda c: _gw(gateway, "9"))
    assert call.refer_status() == 202
    assert call.notified() == ["SIP/2.0 100 Trying", "SIP/2.0 404 Not Found"]
    call.goes_on(db)


class Consulting:
    """Alice's phone (SIPp) has answered the caller (baresip) and holds them; it has called
    bob (baresip, `colleague`) through the gateway from a second line (SIPp, the same
    phone's address) and bob has answered. `transfer()` presses the phone's Transfer."""

    def __init__(self, app, db, client, gateway, peers, phones,
                 users: tuple = ("alice", "bob")) -> None:
        self.gateway, self.client = gateway, client
        self.caller, self.colleague = phones["caller"], phones["colleague"]
        company = make_company(app, extra_users=users)
        self.alice = User(app, db, client, "alice", company=company)
        self.bob = User(app, db, client, "bob", company=company)
        self.bob.devices(deskphone=self.colleague.aor)
        self.headers = auth(client, self.alice.mobile)
        self.at = {k: p.mark() for k, p in phones.items()}
        short = self.bob.row.short_number
        self.phone = peers("alice", "phone_attended.xml", "-key", "target", _gw(gateway, short),
                           ip=PHONES)
        self.alice.devices(deskphone=f"sip:alice@{PHONES}:{self.phone.port}")
        self.caller.dial(f"sip:{self.alice.office}@127.0.0.1:{gateway.port}")
        self.caller.event("CALL_ESTABLISHED", after=self.at["caller"])
        wait_until(lambda: self.phone.received("SIP/2.0 200"), what="the phone's hold answered")
        self.consult = peers("consult", "phone_consult.xml", f"127.0.0.1:{gateway.port}",
                             "-s", short, "-key", "caller", self.alice.mobile,
                             "-cid_str", "consult-%u@alice.example", ip=PHONES)
        self.colleague.event("CALL_ESTABLISHED", after=self.at["colleague"])
        answer = wait_until(lambda: self.consult.received("SIP/2.0 200"),
                            what="the consultation answered")[0]
        self.b_call_id = header(answer, "Call-ID")
        self.b_tags = (header(answer, "To").rsplit("tag=", 1)[1].split(";")[0],
                       header(answer, "From").rsplit("tag=", 1)[1].split(";")[0])

    def transfer(self, replaces: str) -> None:
        """The Transfer button: the phone sends REFER on the caller's call with `replaces`."""
        invite = self.phone.received("INVITE")[0]
        press_transfer(self.phone, PHONES, header(invite, "Call-ID"), replaces)

    def dialog(self) -> str:
        to_tag, from_tag = self.b_tags
        return f"{self.b_call_id};to-tag={to_tag};from-tag={from_tag}"

    def refer_status(self) -> int:
        return Referring.refer_status(self)

    def notified(self) -> list[str]:
        return Referring.notified(self)


def test_the_phones_attended_transfer_joins_the_caller_to_the_colleague_it_consulted(
        app, db, client, gateway, peers, phones):
    call = Consulting(app, db, client, gateway, peers, phones)
    caller = [c["other_number"] for c in client.get("/api/v1/me/calls", headers=call.headers)
              .get_json() if c["direction"] == "incoming"][0]
    call.transfer(call.dialog())

    assert call.refer_status() == 202
    assert call.notified() == ["SIP/2.0 100 Trying", "SIP/2.0 200 OK"]
    assert call.phone.wait() == 0 and call.consult.wait() == 0   # both legs released (BYE)
    call.caller.send_keys("3")                                   # the caller now talks to bob
    assert call.colleague.wait_keys("3", call.at["colleague"]) == "3"
    call.colleague.send_keys("7")
    assert call.caller.wait_keys("7", call.at["caller"]) == "7"
    wait_until(lambda: client.get("/api/v1/me/calls", headers=call.headers).get_json() == [],
               what="alice free of both calls")
    bob = auth(client, call.bob.mobile)
    # bob's consultation with alice is over; he is in a call with the caller now
    live = wait_until(lambda: [c for c in [client.get("/api/v1/me/calls", headers=bob)
                                           .get_json()]
                               if len(c) == 1 and c[0]["other_number"] == caller],
                      what="bob's one live call, with the caller")[0][0]
    assert live["state"] == "answered"
    assert client.get("/api/v1/me/routing-preview", headers=bob).get_json()["busy"] is True
    hangup = client.post(f"/api/v1/me/calls/{live['id']}/hangup", headers=bob)
    assert hangup.status_code == 202                              # bob hangs up in the app
    call.caller.event("CALL_CLOSED", after=call.at["caller"])
    call.colleague.event("CALL_CLOSED", after=call.at["colleague"])
    wait_until(lambda: client.get("/api/v1/me/calls", headers=bob).get_json() == [],
               what="bob free again")
    assert client.get("/api/v1/me/routing-preview", headers=bob).get_json()["busy"] is False
    logged = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=bob)
                                 .get_json() if e["other_number"] == caller],
                        what="the transferred caller in bob's log")[0]
    assert logged["direction"] == "incoming" and logged["status"] == "answered"
    assert logged["transferred_by_user_id"] == call.alice.id
    entry = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log",
                                                      headers=call.headers).get_json()
                                if e["transfer"]], what="alice's log entry with the transfer")[0]
    assert entry["transfer"]["method"] == "attended"
    assert entry["transfer"]["state"] == "completed"
    assert entry["transfer"]["target"]["kind"] == "colleague"
    assert entry["transfer"]["target"]["id"] == call.bob.id


def test_an_attended_refer_naming_another_dialog_of_the_consultation_is_refused_481(
        app, db, client, gateway, peers, phones):
    call = Consulting(app, db, client, gateway, peers, phones)
    call.transfer(f"{call.b_call_id};to-tag=not-the-gateways;from-tag={call.b_tags[1]}")

    assert call.refer_status() == 481
    assert call.caller.command("listcalls")["data"].count("ESTABLISHED") == 1
    assert call.colleague.command("listcalls")["data"].count("ESTABLISHED") == 1
    call.caller.hangup()
    assert call.phone.wait() == 0
    call.colleague.hangup()
    assert call.consult.wait() == 0


def _joined(app, db, client, gateway, peers, phones):
    """The phone's attended transfer has joined the caller to bob: bob's live call with the
    caller, the caller's Call-ID and bob's headers (carol works there too)."""
    call = Consulting(app, db, client, gateway, peers, phones, ("alice", "bob", "carol"))
    call.transfer(call.dialog())
    assert call.refer_status() == 202
    assert call.phone.wait() == 0 and call.consult.wait() == 0
    caller_sip_id = json.loads(wait_until(lambda: gateway.events("colleague_joined"),
                                          what="bob joined")[-1])["call_id"]
    bob = auth(client, call.bob.mobile)
    live = wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=bob).get_json()
                               if c["state"] == "answered"], what="bob's call with the caller")[0]
    return call, caller_sip_id, bob, live


def _command(client, headers, live_id: int, kind: str, **body) -> dict:
    r = client.post(f"/api/v1/me/calls/{live_id}/{kind}", headers=headers, json=body or None)
    assert r.status_code == 202, r.get_json()
    url = f"/api/v1/me/calls/commands/{r.get_json()['id']}"
    return wait_until(lambda: (lambda c: c if c["state"] in ("done", "failed") else None)(
        client.get(url, headers=headers).get_json()), what=f"the {kind} command carried out")


def _bob_calls(client, bob) -> list[dict]:
    return client.get("/api/v1/me/calls", headers=bob).get_json()


def test_the_colleague_an_attended_transfer_joined_holds_and_retrieves_the_caller_from_the_app(
        app, db, client, gateway, peers, phones):
    call, sip_id, bob, live = _joined(app, db, client, gateway, peers, phones)
    before = len(gateway.events("hold_tone", sip_id))   # alice's phone held them to consult

    def tones() -> list[str]:
        return [json.loads(e)["state"] for e in gateway.events("hold_tone", sip_id)[before:]]

    held = _command(client, bob, live["id"], "hold")
    assert (held["state"], held["result"]) == ("done", "done"), held
    wait_until(lambda: tones() == ["started"], what="the caller hearing the hold music")
    wait_until(lambda: _bob_calls(client, bob)[0]["state"] == "held", what="bob's call held")
    assert _command(client, bob, live["id"], "retrieve")["result"] == "done"
    wait_until(lambda: _bob_calls(client, bob)[0]["state"] == "answered",
               what="bob's call answered again")
    assert tones() == ["started", "stopped"]
    call.caller.send_keys("5")
    assert call.colleague.wait_keys("5", call.at["colleague"]) == "5"   # they talk again
    call.caller.hangup()
    call.colleague.event("CALL_CLOSED", after=call.at["colleague"])
    wait_until(lambda: _bob_calls(client, bob) == [], what="bob free again")


def test_the_colleague_an_attended_transfer_joined_transfers_the_caller_on_from_the_app(
        app, db, client, gateway, peers, phones):
    call, sip_id, bob, live = _joined(app, db, client, gateway, peers, phones)
    carol = User(app, db, client, "carol", company=call.alice.company)
    carol.devices(deskphone=phones["desk"].aor)
    desk_at = phones["desk"].mark()

    r = client.post(f"/api/v1/me/calls/{live['id']}/transfer",
                    headers={**bob, "Idempotency-Key": "to-carol"},
                    json={"target": {"kind": "colleague", "id": carol.id}, "method": "blind"})
    assert r.status_code == 202, r.get_json()
    transfer = wait_until(lambda: (lambda t: t if t["state"] == "completed" else None)(
        client.get(f"/api/v1/me/transfers/{r.get_json()['id']}", headers=bob).get_json()),
        what="bob's transfer completed")
    assert transfer["target"]["id"] == carol.id
    phones["desk"].event("CALL_ESTABLISHED", after=desk_at)
    call.colleague.event("CALL_CLOSED", after=call.at["colleague"])   # bob's phone let go
    wait_until(lambda: _bob_calls(client, bob) == [], what="bob free of the call")
    assert client.get("/api/v1/me/routing-preview", headers=bob).get_json()["busy"] is False
    call.caller.send_keys("6")                                        # the caller talks to carol
    assert phones["desk"].wait_keys("6", desk_at) == "6"
    carol_headers = auth(client, carol.mobile)
    carols = wait_until(lambda: _bob_calls(client, carol_headers), what="carol's live call")
    assert carols[0]["state"] == "answered"
    logged = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=bob)
                                 .get_json() if e["transferred_by_user_id"] == call.alice.id],
                        what="the joined call in bob's log")[0]
    assert logged["status"] == "answered"
    call.caller.hangup()
    phones["desk"].event("CALL_CLOSED", after=desk_at)
    carol_log = wait_until(lambda: client.get("/api/v1/me/call-log", headers=carol_headers)
                           .get_json(), what="the call in carol's log")[0]
    assert carol_log["transferred_by_user_id"] == call.bob.id
