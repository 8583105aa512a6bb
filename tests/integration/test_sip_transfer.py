"""Transfers end to end: an API request moves a live SIPp call (trunk caller, the user's
softphone, the target behind the trunk or a colleague's SIPp phone), checked on the wire, in
the transfer, the pushes and the log."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.accounts.models import User as U
from api.availability.models import Profile
from api.availability.services import set_availability
from api.core.clock import now
from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    CALLER, User, call, final_status, gateway, gateway_settles, logged, peers, ports, sink)
from tests.support.api import auth
from tests.support.sip import header, sip_tools_missing, wait_until

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")
TARGET = "+4722334455"


class Transfer:
    """The user on a call answered on their softphone, and the app's transfer screen."""

    def __init__(self, app, db, client, gateway, peers, *, soft_calls: int = 1,
                 hold_ms: int = 4000, hung_up: bool = False, trunk: str | None = None,
                 answer_ms: int = 0) -> None:
        """`answer_ms`: the softphone rings that long before it answers (a push is only
        delivered while the call still rings)."""
        self.user = User(app, db, client)
        self.client, self.headers = client, auth(client, self.user.mobile)
        self.soft = peers("soft", "phone_answer.xml", "-d", str(answer_ms), calls=soft_calls)
        self.user.devices(softphone=f"sip:soft@127.0.0.1:{self.soft.port}")
        self.token = self.user.push_token()
        if hung_up:
            self.trunk = peers("trunk", "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}",
                               "-s", self.user.office, "-key", "caller", CALLER)
        elif trunk:   # a scenario of the test's own making
            self.trunk = peers("trunk", trunk, f"127.0.0.1:{gateway.port}", "-s",
                               self.user.office, "-key", "caller", CALLER, "-d", str(hold_ms))
        else:
            self.trunk = call(peers, gateway, self.user.office, hold_ms=hold_ms)
        self.call_id = wait_until(lambda: [c["id"] for c in client.get(
            "/api/v1/me/calls", headers=self.headers).get_json() if c["state"] == "answered"],
            what="the answered call")[0]

    def start(self, method: str, timeout_s: int = 20, key: str = "tap") -> dict:
        r = self.client.post(f"/api/v1/me/calls/{self.call_id}/transfer",
                             headers={**self.headers, "Idempotency-Key": key},
                             json={"target": {"kind": "external", "number": TARGET},
                                   "method": method, "timeout_s": timeout_s})
        assert r.status_code == 202, r.get_json()
        return r.get_json()

    def state(self, transfer: dict, *states: str) -> dict:
        url = f"/api/v1/me/transfers/{transfer['id']}"
        return wait_until(lambda: (lambda t: t if t["state"] in states else None)(
            self.client.get(url, headers=self.headers).get_json()),
            what=f"the transfer to be {' or '.join(states)}")

    def logged_transfer(self) -> dict:
        """The transfer my call log entry of this call records (once the entry is written)."""
        return wait_until(lambda: [e["transfer"] for e in self.client.get(
            "/api/v1/me/call-log", headers=self.headers).get_json() if e["transfer"]],
            what="my call log entry with the transfer")[0]

    def post(self, transfer: dict, what: str) -> int:
        return self.client.post(f"/api/v1/me/transfers/{transfer['id']}/{what}",
                                headers=self.headers).status_code


def _target(peers, ports, scenario: str = "phone_answer.xml", *args):
    return peers("target", scenario, *args, port=ports["trunk"])


def _moments(gateway, trunk, until: tuple[str, str]) -> list[tuple[str, str]]:
    """The caller's hold music and the transfer's states, in the order the gateway logged
    them, once `until` is among them."""
    invite = next(t for d, _, t in trunk.messages() if d == "sent" and t.startswith("INVITE"))
    call_id = header(invite, "Call-ID")

    def seen():   # both are logged on the gateway's call thread: the line order is theirs
        lines = [json.loads(x) for x in list(gateway.lines) if call_id in x and
                 ('"hold_tone"' in x or '"transfer_state"' in x)]
        return [(x["event"], x["state"]) for x in lines]
    return wait_until(lambda: (lambda m: m if until in m else None)(seen()),
                      what=f"{until} in the gateway's log")


def _invite_to_target(target) -> str:
    invite = target.received("INVITE")[0]
    assert invite.startswith(f"INVITE sip:{TARGET}@")
    assert CALLER in header(invite, "P-Asserted-Identity")  # the target sees the caller
    return invite


def test_with_return_answered_connects_caller_and_target_and_frees_the_user(
        app, db, client, gateway, peers, ports):
    target = _target(peers, ports, "phone_answer.xml", "-d", "300")
    t = Transfer(app, db, client, gateway, peers)
    transfer = t.start("with_return")
    assert t.state(transfer, "completed")["reason"] == "answered"
    assert t.soft.wait() == 0 and t.soft.received("BYE")  # the user's leg ended at once
    assert wait_until(lambda: client.get("/api/v1/me/calls", headers=t.headers).get_json()
                      == [], what="the call to leave my calls")
    assert t.trunk.wait() == 0 and target.wait() == 0  # the caller's BYE reached the target
    _invite_to_target(target)
    assert final_status(t.trunk) == 200 and logged(t.user, "answered")
    # the caller heard the hold music from the start until bridged to the target
    assert _moments(gateway, t.trunk, ("transfer_state", "completed")) == [
        ("hold_tone", "started"), ("transfer_state", "ringing"), ("hold_tone", "stopped"),
        ("transfer_state", "completed")]
    # my own call log entry says to whom I transferred the call, how, and how it ended
    assert t.logged_transfer() == {"id": transfer["id"], "method": "with_return",
                                   "state": "completed", "reason": "answered", "target": {
                                       "kind": "external", "id": None, "number": TARGET,
                                       "name": None}}


def test_with_return_no_answer_comes_back_to_the_user_with_a_push(
        app, db, client, gateway, peers, ports, sink):
    target = _target(peers, ports, "phone_no_answer.xml")
    t = Transfer(app, db, client, gateway, peers, soft_calls=2, hold_ms=9000)
    transfer = t.start("with_return", timeout_s=5)
    got = t.state(transfer, "returned")
    assert got["reason"] == "no_answer" and got["ended_at"]
    assert target.wait() == 0 and target.received("CANCEL")
    assert wait_until(lambda: len(t.soft.received("INVITE")) == 2,
                      what="the user's phone to ring again")
    back = wait_until(lambda: [p for p in sink[0].after(t.token, 0, 0)
                               if p["kind"] == "transfer_returned"], what="the push")
    assert back[0]["payload"]["why"].endswith("did not answer")
    assert t.trunk.wait() == 0 and t.soft.wait() == 0
    assert final_status(t.trunk) == 200 and logged(t.user, "answered")
    # the music goes on while the user's phone rings again, until the user answers
    assert _moments(gateway, t.trunk, ("hold_tone", "stopped")) == [
        ("hold_tone", "started"), ("transfer_state", "ringing"), ("transfer_state", "returned"),
        ("hold_tone", "stopped")]


def test_with_return_to_a_busy_target_comes_back_at_once(app, db, client, gateway, peers,
                                                        ports):
    _target(peers, ports, "phone_busy.xml")
    t = Transfer(app, db, client, gateway, peers, soft_calls=2)
    transfer = t.start("with_return")
    assert t.state(transfer, "returned")["reason"] == "busy"
    assert wait_until(lambda: len(t.soft.received("INVITE")) == 2,
                      what="the user's phone to ring again")
    assert t.trunk.wait() == 0 and t.soft.wait() == 0


def test_blind_transfer_hands_the_call_over_and_the_same_tap_twice_is_one_transfer(
        app, db, client, gateway, peers, ports):
    target = _target(peers, ports, "phone_answer.xml", "-d", "300")
    t = Transfer(app, db, client, gateway, peers)
    transfer = t.start("blind")
    assert t.start("blind")["id"] == transfer["id"]  # the retried tap
    assert t.soft.wait() == 0 and t.soft.received("BYE")
    assert t.state(transfer, "completed")
    assert t.trunk.wait() == 0 and target.wait() == 0
    assert len(target.received("INVITE")) == 1
    _invite_to_target(target)


def test_the_caller_hanging_up_during_a_transfer_cancels_the_target_and_fails_it(
        app, db, client, gateway, peers, ports):
    target = _target(peers, ports, "phone_no_answer.xml")
    t = Transfer(app, db, client, gateway, peers, hold_ms=1500)
    transfer = t.start("with_return")
    assert t.state(transfer, "failed")["reason"] == "caller_hung_up"
    assert t.trunk.wait() == 0 and target.wait() == 0 and target.received("CANCEL")


def test_attended_transfer_talks_to_the_target_first_then_completes(
        app, db, client, gateway, peers, ports):
    target = _target(peers, ports, "phone_answer.xml", "-d", "200")
    t = Transfer(app, db, client, gateway, peers, hold_ms=5000)
    transfer = t.start("attended")
    t.state(transfer, "consulting")
    assert not t.soft.received("BYE")  # the user is still on the line, talking to the target
    assert t.post(transfer, "complete") == 202
    assert t.state(transfer, "completed")["reason"] == "completed"
    assert t.soft.wait() == 0 and t.soft.received("BYE")
    assert t.trunk.wait() == 0 and target.wait() == 0


def test_attended_cancel_takes_the_caller_back_and_hangs_up_the_target(
        app, db, client, gateway, peers, ports):
    target = _target(peers, ports, "phone_answer.xml", "-d", "200")
    t = Transfer(app, db, client, gateway, peers, hold_ms=5000)
    transfer = t.start("attended")
    t.state(transfer, "consulting")
    assert t.post(transfer, "cancel") == 202
    assert t.state(transfer, "cancelled")
    assert target.wait() == 0 and target.received("BYE")  # only the target is hung up
    assert not t.soft.received("BYE")
    assert t.trunk.wait() == 0 and t.soft.wait() == 0  # the caller's BYE ends the user's leg
    assert logged(t.user, "answered")
    assert t.logged_transfer()["state"] == "cancelled"
    # held while the user talked to the target, back with the user when cancelled
    assert _moments(gateway, t.trunk, ("transfer_state", "cancelled")) == [
        ("hold_tone", "started"), ("transfer_state", "ringing"),
        ("transfer_state", "consulting"), ("hold_tone", "stopped"),
        ("transfer_state", "cancelled")]


def _bob(user: User, db, client, peers, scenario: str, *args: str) -> tuple[U, object, User]:
    """The transferring user's colleague Bob, his softphone a SIPp phone."""
    bob = db.scalar(select(U).where(U.mobile == user.company.users["bob"]))
    phone = peers("bob", scenario, *args)
    colleague = User.__new__(User)
    colleague.db, colleague.client, colleague.mobile = db, client, bob.mobile
    colleague.id, colleague.tenant_id = bob.id, bob.tenant_id
    colleague.devices(softphone=f"sip:bob@127.0.0.1:{phone.port}")
    return bob, phone, colleague



def test_a_colleague_rung_through_the_gateway_sees_who_transferred_the_call(
        app, db, client, gateway, peers, sink):
    t = Transfer(app, db, client, gateway, peers, hold_ms=4000)
    bob, bob_phone, colleague = _bob(t.user, db, client, peers, "phone_answer.xml", "-d", "200")
    token = colleague.push_token()

    r = client.post(f"/api/v1/me/calls/{t.call_id}/transfer", headers=t.headers,
                    json={"target": {"kind": "colleague", "id": bob.id}})
    assert r.status_code == 202 and r.get_json()["method"] == "with_return"
    assert t.state(r.get_json(), "completed")
    invite = bob_phone.received("INVITE")[0]
    assert CALLER in header(invite, "From")  # Bob sees the caller, not Alice
    pushed = wait_until(lambda: [p for p in sink[0].after(token, 0, 0)
                                 if p["kind"] == "incoming_call"], what="Bob's push")
    by = json.loads(pushed[0]["payload"]["context"])["transferred_by"]
    assert by == {"user_id": t.user.id, "name": t.user.row.full_name}
    assert t.trunk.wait() == 0 and bob_phone.wait() == 0
    from api.callerid.models import CallLogEntry
    logged_by = wait_until(lambda: db.scalar(
        select(CallLogEntry.transferred_by_user_id).where(CallLogEntry.user_id == bob.id)),
        what="Bob's call log entry")
    assert logged_by == t.user.id  # Bob's log says who transferred the call to him


# -- with return to a colleague: only their own devices ring, the user is free meanwhile --

def _transfer_to(t: Transfer, bob: U, timeout_s: int = 20) -> dict:
    r = t.client.post(f"/api/v1/me/calls/{t.call_id}/transfer", headers=t.headers,
                      json={"target": {"kind": "colleague", "id": bob.id},
                            "method": "with_return", "timeout_s": timeout_s})
    assert r.status_code == 202, r.get_json()
    return r.get_json()


def _pushes(sink, t: Transfer, kind: str, suffix: str = "") -> list[dict]:
    """This call's pushes of `kind` to the transferring user (`suffix`: after the Call-ID in
    the push's call id), once there is one."""
    invite = next(x for d, _, x in t.trunk.messages() if d == "sent" and x.startswith("INVITE"))
    call_id = header(invite, "Call-ID") + suffix
    return wait_until(lambda: [p for p in sink[0].after(t.token, 0, 0) if p["kind"] == kind
                               and p.get("call_id") == call_id], what=f"a {kind} push")


@pytest.mark.once
def in_a_meeting(db, who) -> None:
    """`who` (a user row) is in a meeting for the next hour."""
    meeting = db.scalar(select(Profile.id).where(Profile.user_id == who.id,
                                                 Profile.key == "meeting"))
    set_availability(db, who.tenant_id, who.id, who.id, meeting, now() + timedelta(hours=1),
                     None)


def test_a_colleague_in_a_meeting_sends_the_call_back_at_once_and_never_to_voicemail(
        app, db, client, gateway, peers, ports, sink):
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    t = Transfer(app, db, client, gateway, peers, soft_calls=2, hold_ms=4000)
    bob, phone, _ = _bob(t.user, db, client, peers, "phone_answer.xml")
    in_a_meeting(db, bob)

    transfer = _transfer_to(t, bob)
    assert t.state(transfer, "returned")["reason"] == "unavailable"
    assert wait_until(lambda: len(t.soft.received("INVITE")) == 2,
                      what="my phone to ring again")
    why = _pushes(sink, t, "transfer_returned")[0]["payload"]["why"]
    assert f"{bob.full_name} is in a meeting until" in why
    assert t.trunk.wait() == 0 and t.soft.wait() == 0
    assert final_status(t.trunk) == 200
    # the meeting's plan forwards to voicemail: a transfer with return never goes there
    assert not voicemail.received("INVITE") and not phone.received("INVITE")
    assert json.loads(gateway.events("transfer_not_rung")[-1])["status"] == 480


@pytest.mark.once
def test_an_unanswered_colleague_comes_back_as_no_answer_and_the_user_is_free_meanwhile(
        app, db, client, gateway, peers, ports, sink):
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    t = Transfer(app, db, client, gateway, peers, soft_calls=2, hold_ms=9000, answer_ms=500)
    bob, phone, _ = _bob(t.user, db, client, peers, "phone_no_answer.xml")
    transfer = _transfer_to(t, bob, timeout_s=5)
    assert wait_until(lambda: phone.received("INVITE"), what="Bob's phone to ring")

    # while Bob's phone rings, I am free: my call is "transferring", not a call I am in
    mine = client.get("/api/v1/me/calls", headers=t.headers).get_json()
    assert [c["state"] for c in mine] == ["transferring"]
    preview = client.get("/api/v1/me/routing-preview", headers=t.headers).get_json()
    assert preview["busy"] is False and preview["rule"] != "when_busy"

    got = t.state(transfer, "returned")
    assert got["reason"] == "no_answer" and got["call_id"] is None
    # the transfer's own leg ringing Bob is not "another call"
    why = _pushes(sink, t, "transfer_returned")[0]["payload"]["why"]
    assert why == f"{bob.full_name} did not answer"
    # the call rings me again with a new who's-calling push (a call id of its own, so the
    # first push's end does not hold it back) that says it came back
    again = _pushes(sink, t, "incoming_call", ";back=1")[0]
    back = json.loads(again["payload"]["context"])["returned"]
    assert back == {"transfer_id": transfer["id"], "reason": "no_answer",
                    "target": bob.full_name}
    assert t.trunk.wait() == 0 and t.soft.wait() == 0 and phone.wait() == 0
    assert phone.received("CANCEL") and not voicemail.received("INVITE")
    assert [c["state"] for c in client.get("/api/v1/me/calls", headers=t.headers)
            .get_json()] in ([], ["answered"])
