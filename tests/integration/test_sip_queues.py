"""Calls to a queue through the gateway, against SIPp: the trunk calls the queue's number,
members' phones ring as the distribution says, overflow, abandon, wrap-up, remote login."""
from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import select, update

from api.accounts.models import User

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures: one gateway per module)
    CALLER, final_status, gateway, gateway_settles, peers, ports, sink)
from tests.support.api import auth, make_company
from tests.support.sip import header, sip_tools_missing, wait_until

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")
_numbers = itertools.count(1)


class Company:
    """A company with members alice and bob (in that order of ids) and one queue."""

    def __init__(self, app, db, client, **settings) -> None:
        from api.accounts.models import Tenant
        from api.queues import membership, services

        self.db, self.client, self._headers = db, client, {}
        self.company = make_company(app, extra_users=("alice", "bob"))
        self.tenant = db.get(Tenant, self.company.tenant_id)
        self.ids = {who: db.scalar(select(User.id).where(User.mobile == mobile))
                    for who, mobile in self.company.users.items()}
        self.number = f"+4723{next(_numbers):06d}"
        members = settings.pop("members", ("alice", "bob"))
        logged_in = settings.pop("logged_in", True)
        direct = {k: settings.pop(k) for k in ("ring_time_s", "max_wait_s", "wrapup_s")
                  if k in settings}  # below the API's minimum, to keep the tests short
        self.queue = services.create_queue(db, self.tenant, {
            "name": "Support", "number": self.number, **settings})
        for k, v in direct.items():
            setattr(self.queue, k, v)
        db.commit()
        for who in members:
            services.set_member(db, self.queue, self.ids[who], {"priority": 0})
            if logged_in:
                membership.set_login(db, self.tenant.id, self.ids[who], None, True,
                                     by_user_id=None)

    def phone(self, who: str, uri: str) -> None:
        from api.availability.models import Device
        from api.availability.services import ensure_standard

        uid = self.ids[who]
        ensure_standard(self.db, self.tenant.id, uid)
        self.db.execute(update(Device).where(Device.user_id == uid).values(enabled=False))
        self.db.add(Device(tenant_id=self.tenant.id, user_id=uid, kind="softphone",
                           label="soft", enabled=True, sip_uri=uri))
        self.db.commit()

    def headers(self, who: str) -> dict:
        """One login per user and test (logins are rate limited)."""
        if who not in self._headers:
            self._headers[who] = auth(self.client, self.company.users[who])
        return self._headers[who]

    def calls(self) -> list:
        from api.queues.models import QueueCall

        self.db.expire_all()
        return list(self.db.scalars(select(QueueCall).where(QueueCall.queue_id ==
                                                            self.queue.id)))

    def member(self, who: str):
        from api.queues.models import QueueMember

        self.db.expire_all()
        return self.db.scalar(select(QueueMember).where(
            QueueMember.queue_id == self.queue.id, QueueMember.user_id == self.ids[who]))

    def ended(self, status: str):
        return wait_until(lambda: [c for c in self.calls() if c.status == status],
                          what=f"a queue call {status}")

    def logged(self, event: str):
        from api.callerid.models import QueueLogEntry

        def check():
            self.db.expire_all()
            return list(self.db.scalars(select(QueueLogEntry).where(
                QueueLogEntry.queue_id == self.queue.id, QueueLogEntry.event == event)))
        return wait_until(check, what=f"a queue log entry {event}")


def phone(peers, name: str, scenario: str = "phone_answer.xml", *args: str, calls: int = 1):
    return peers(name, scenario, *args, calls=calls)


def uri(sipp) -> str:
    return f"sip:phone@127.0.0.1:{sipp.port}"


def dial_queue(peers, gateway, number: str, *, hold_ms: int, caller: str = CALLER,
               name: str = "trunk"):
    return peers(name, "trunk_uac.xml", f"127.0.0.1:{gateway.port}", "-s", number,
                 "-key", "caller", caller, "-d", str(hold_ms))


def test_the_member_the_distribution_chose_rings_with_a_via_queue_push_and_answers(
        app, db, client, gateway, peers, sink):
    q = Company(app, db, client, distribution="round_robin")
    alice = phone(peers, "alice", "phone_answer.xml", "-d", "1500")
    bob = phone(peers, "bob", "phone_answer.xml")
    q.phone("alice", uri(alice))
    q.phone("bob", uri(bob))
    token = f"tok-{q.ids['alice']}-queue"
    r = client.post("/api/v1/me/push-devices", headers=q.headers("alice"), json={
        "platform": "android", "token": token, "token_kind": "fcm", "app_id": "no.example.pbx"})
    assert r.status_code in (200, 201), r.get_json()

    trunk = dial_queue(peers, gateway, q.number, hold_ms=4000)

    def waiting():  # the live status while alice's phone rings
        mine = client.get("/api/v1/me/queues", headers=q.headers("alice")).get_json()
        return mine if mine[0]["calls_waiting"] == 1 and mine[0]["me"]["state"] == "ringing" \
            else None
    wait_until(waiting, what="the waiting call in the live status")
    # the member's live row is written ringing, then answered (two writes): wait for what
    # she sees once she has answered
    talking = wait_until(lambda: [c for c in client.get(
        "/api/v1/me/calls", headers=q.headers("alice")).get_json()
        if c["state"] == "answered"], what="the answered queue call in alice's calls")
    assert talking[0]["other_number"] == CALLER and talking[0]["state"] == "answered"
    assert trunk.wait() == 0 and alice.wait() == 0
    assert final_status(trunk) == 200
    assert CALLER in header(alice.received("INVITE")[0], "P-Asserted-Identity")
    assert not bob.received("INVITE")   # round robin: one member at a time, alice first

    call = q.ended("answered")[0]
    assert call.answered_by_user_id == q.ids["alice"] and call.caller_number == CALLER
    assert q.member("alice").wrapup_until is not None and q.member("alice").calls_answered == 1
    entry = q.logged("answered")[0]
    assert entry.member_user_id == q.ids["alice"] and entry.caller_number == CALLER
    incoming = [p for p in sink[0].after(token, 0, 10) if p["kind"] == "incoming_call"]
    payload = incoming[0]["payload"]  # Android data: each field is a JSON string
    assert json.loads(payload["context"])["queue"]["name"] == "Support"   # "via queue Support"
    assert json.loads(payload["caller"])["number"] == CALLER
    status = client.get("/api/v1/me/queues", headers=q.headers("alice")).get_json()[0]
    assert status["calls_waiting"] == 0 and status["me"]["state"] == "wrap_up"
    mine = wait_until(lambda: client.get("/api/v1/me/call-log",
                                         headers=q.headers("alice")).get_json(),
                      what="the call in alice's call log")
    assert mine[0]["status"] == "answered" and mine[0]["via_queue_id"] == q.queue.id
    assert not client.get("/api/v1/me/calls", headers=q.headers("alice")).get_json()


@pytest.mark.once
def test_ring_time_over_applies_the_no_answer_policy_and_rings_the_next_member(
        app, db, client, gateway, peers):
    q = Company(app, db, client, distribution="round_robin", no_answer_policy="pause",
                ring_time_s=1)
    alice = phone(peers, "alice", "phone_no_answer.xml")
    bob = phone(peers, "bob", "phone_answer.xml", "-d", "200")
    q.phone("alice", uri(alice))
    q.phone("bob", uri(bob))

    trunk = dial_queue(peers, gateway, q.number, hold_ms=4000)
    assert trunk.wait() == 0 and alice.wait() == 0 and bob.wait() == 0
    assert alice.received("CANCEL")                       # rang out after the ring time
    assert alice.first_time("INVITE") < bob.first_time("INVITE")
    assert q.ended("answered")[0].answered_by_user_id == q.ids["bob"]
    member = q.member("alice")
    assert member.paused and member.pause_reason == "no answer"


@pytest.mark.once
def test_total_time_over_sends_the_caller_to_voicemail_and_logs_it_timed_out(
        app, db, client, gateway, peers, ports):
    q = Company(app, db, client, members=("alice",), overflow_kind="voicemail",
                ring_time_s=30, max_wait_s=2)
    alice = phone(peers, "alice", "phone_no_answer.xml")
    q.phone("alice", uri(alice))
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])

    trunk = dial_queue(peers, gateway, q.number, hold_ms=3500)
    assert trunk.wait() == 0 and voicemail.wait() == 0 and alice.wait() == 0
    assert alice.received("CANCEL")
    assert q.number in header(voicemail.received("INVITE")[0], "Diversion")
    assert q.ended("timed_out")[0].outcome_detail.startswith("voicemail")
    assert q.logged("timed_out")


def test_an_empty_queue_sends_the_caller_to_the_overflow_at_once(
        app, db, client, gateway, peers, ports):
    q = Company(app, db, client, logged_in=False, overflow_kind="voicemail")
    alice = phone(peers, "alice")
    q.phone("alice", uri(alice))
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])

    trunk = dial_queue(peers, gateway, q.number, hold_ms=300)
    assert trunk.wait() == 0 and voicemail.wait() == 0
    assert final_status(trunk) == 200 and voicemail.received("INVITE")
    assert not alice.received("INVITE")
    assert q.ended("timed_out")[0].outcome_detail == "nobody logged in"


@pytest.mark.once
def test_a_caller_who_gives_up_is_put_on_the_callback_list(app, db, client, gateway, peers):
    q = Company(app, db, client, members=("alice",), callback_on_abandon=True)
    alice = phone(peers, "alice", "phone_no_answer.xml")
    q.phone("alice", uri(alice))

    trunk = dial_queue(peers, gateway, q.number, hold_ms=1500)
    assert trunk.wait() == 0 and alice.wait() == 0
    assert alice.received("CANCEL")
    assert q.ended("abandoned")
    listed = wait_until(lambda: client.get(f"/api/v1/queues/{q.queue.id}/callbacks",
                                           headers=q.headers("alice")).get_json(),
                        what="the callback list entry")
    assert listed[0]["caller_number"] == CALLER
    assert q.logged("abandoned")


@pytest.mark.once
def test_a_caller_who_presses_1_is_put_on_the_callback_list_and_hung_up(
        app, db, client, gateway, peers):
    q = Company(app, db, client, members=("alice",), offer_callback=True,
                callback_on_abandon=False)
    alice = phone(peers, "alice", "phone_no_answer.xml")
    q.phone("alice", uri(alice))

    trunk = peers("trunk", "trunk_uac_dtmf.xml", f"127.0.0.1:{gateway.port}", "-s", q.number,
                  "-key", "caller", CALLER, "-d", "500")
    assert trunk.wait() == 0 and trunk.received("BYE")      # the gateway hung up after
    assert alice.wait() == 0 and alice.received("CANCEL")   # her phone stopped ringing
    assert q.ended("callback_requested")
    listed = wait_until(lambda: client.get(f"/api/v1/queues/{q.queue.id}/callbacks",
                                           headers=q.headers("alice")).get_json(),
                        what="the callback list entry")
    assert [(e["caller_number"], e["reason"]) for e in listed] == [(CALLER, "requested")]
    played = [json.loads(x) for x in list(gateway.lines) if '"queue_digit"' in x]
    assert played and played[-1]["digit"] == "1"


def test_a_member_in_wrap_up_is_not_rung_until_it_is_over(app, db, client, gateway, peers):
    q = Company(app, db, client, members=("alice",), wrapup_s=600)
    alice = phone(peers, "alice", "phone_answer.xml", calls=2)
    q.phone("alice", uri(alice))

    first = dial_queue(peers, gateway, q.number, hold_ms=300)
    assert first.wait() == 0 and q.ended("answered")
    second = dial_queue(peers, gateway, q.number, hold_ms=6000, name="second")

    def waiting_in_wrap_up():
        mine = client.get("/api/v1/me/queues", headers=q.headers("alice")).get_json()[0]
        return mine["calls_waiting"] == 1 and mine["me"]["state"] == "wrap_up"
    wait_until(waiting_in_wrap_up, what="the second call waiting while alice wraps up")
    rounds = len(gateway.events("queue_ring"))
    wait_until(lambda: len(gateway.events("queue_ring")) > rounds,
               what="the distribution asked again")
    assert len(alice.received("INVITE")) == 1           # not rung during wrap-up
    r = client.delete("/api/v1/me/queues/wrapup", headers=q.headers("alice"))
    assert r.status_code == 200
    assert second.wait() == 0 and alice.wait() == 0
    assert len(alice.received("INVITE")) == 2           # rung once she is ready
    wait_until(lambda: len(q.ended("answered")) == 2, what="both calls answered")


def test_a_member_already_in_a_call_through_the_gateway_is_not_rung(
        app, db, client, gateway, peers):
    q = Company(app, db, client, distribution="round_robin")
    alice = phone(peers, "alice", "phone_answer.xml")
    bob = phone(peers, "bob", "phone_answer.xml", "-d", "200")
    q.phone("alice", uri(alice))
    q.phone("bob", uri(bob))
    direct = peers("direct", "trunk_uac.xml", f"127.0.0.1:{gateway.port}", "-s",
                   q.db.get(User, q.ids["alice"]).office_number, "-key", "caller",
                   "+4791111111", "-d", "6000")
    wait_until(lambda: client.get("/api/v1/me/calls", headers=q.headers("alice")).get_json(),
               what="alice's direct call in progress")
    trunk = dial_queue(peers, gateway, q.number, hold_ms=3000)
    assert trunk.wait() == 0 and bob.wait() == 0 and direct.wait() == 0
    assert len(alice.received("INVITE")) == 1       # only her own call rang her
    assert q.ended("answered")[0].answered_by_user_id == q.ids["bob"]


def test_the_member_hangs_up_a_queue_call_from_the_app(app, db, client, gateway, peers):
    q = Company(app, db, client, members=("alice",))
    alice = phone(peers, "alice")
    q.phone("alice", uri(alice))
    trunk = peers("trunk", "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}", "-s",
                  q.number, "-key", "caller", CALLER)
    headers = q.headers("alice")
    calls = wait_until(lambda: client.get("/api/v1/me/calls", headers=headers).get_json(),
                       what="the queue call in alice's calls")
    r = client.post(f"/api/v1/me/calls/{calls[0]['id']}/hangup",
                    headers={**headers, "Idempotency-Key": "queue-tap-1"})
    assert r.status_code == 202
    assert trunk.wait() == 0 and alice.wait() == 0          # both sides got their BYE
    command = wait_until(lambda: (lambda c: c if c["state"] == "done" else None)(
        client.get(f"/api/v1/me/calls/commands/{r.get_json()['id']}", headers=headers)
        .get_json()), what="the command to be done")
    assert command["kind"] == "hangup"
    assert q.ended("answered") and q.member("alice").wrapup_until is not None


def _transfer(client, headers: dict, method: str) -> str:
    """The member taps Transfer (to an outside number) on the queue call she answered; the
    transfer's URL."""
    call_id = wait_until(lambda: [c["id"] for c in client.get(
        "/api/v1/me/calls", headers=headers).get_json() if c["state"] == "answered"],
        what="the queue call answered in the member's calls")[0]
    r = client.post(f"/api/v1/me/calls/{call_id}/transfer",
                    headers={**headers, "Idempotency-Key": f"queue-transfer-{method}"},
                    json={"target": {"kind": "external", "number": "+4722334455"},
                          "method": method})
    assert r.status_code == 202, r.get_json()
    return f"/api/v1/me/transfers/{r.get_json()['id']}"


@pytest.mark.once
def test_the_member_transfers_a_queue_call_blind_and_it_is_logged_transferred(
        app, db, client, gateway, peers, ports):
    q = Company(app, db, client, members=("alice",))
    alice = phone(peers, "alice")
    q.phone("alice", uri(alice))
    target = peers("target", "phone_answer.xml", "-d", "300", port=ports["trunk"])
    trunk = dial_queue(peers, gateway, q.number, hold_ms=4000)
    headers = q.headers("alice")
    url = _transfer(client, headers, "blind")
    wait_until(lambda: client.get(url, headers=headers).get_json()["state"] == "completed",
               what="the transfer to complete")
    assert alice.wait() == 0 and alice.received("BYE")     # the member's leg ended at once
    assert trunk.wait() == 0 and target.wait() == 0         # caller and target talked
    assert target.received("INVITE")[0].startswith("INVITE sip:+4722334455@")
    call = q.ended("transferred")[0]
    assert call.answered_by_user_id == q.ids["alice"] and call.outcome_detail == "+4722334455"
    assert q.member("alice").wrapup_until is not None       # her wrap-up started
    assert q.logged("transferred")[0].member_user_id == q.ids["alice"]
    assert not client.get("/api/v1/me/calls", headers=headers).get_json()


@pytest.mark.once
def test_a_transfer_of_a_queue_call_that_comes_back_rings_the_member_again(
        app, db, client, gateway, peers, ports):
    q = Company(app, db, client, members=("alice",))
    alice = phone(peers, "alice", calls=2)
    q.phone("alice", uri(alice))
    peers("target", "phone_busy.xml", port=ports["trunk"])
    trunk = dial_queue(peers, gateway, q.number, hold_ms=4000)
    headers = q.headers("alice")
    url = _transfer(client, headers, "with_return")
    back = wait_until(lambda: (lambda t: t if t["state"] == "returned" else None)(
        client.get(url, headers=headers).get_json()), what="the transfer to come back")
    assert back["reason"] == "busy"
    assert wait_until(lambda: len(alice.received("INVITE")) == 2,
                      what="alice's phone to ring again")
    assert trunk.wait() == 0 and alice.wait() == 0 and final_status(trunk) == 200
    call = q.ended("answered")[0]          # she took the caller back and the call ended
    assert call.answered_by_user_id == q.ids["alice"]
    assert not [c for c in q.calls() if c.status == "transferred"]


def test_a_gateway_that_stops_closes_its_waiting_queue_calls(
        app, db, client, database_url, tmp_path, peers, sink, ports):
    from tests.support.sip import Gateway

    q = Company(app, db, client, members=("alice",), callback_on_abandon=False)
    # her phone says it rings only after the stop's usual grace: the CANCEL must wait for it
    alice = phone(peers, "alice", "phone_slow_to_ring.xml")
    q.phone("alice", uri(alice))
    own = Gateway(database_url, tmp_path, trunk_port=ports["trunk"],
                  voicemail_port=ports["voicemail"], sink_url=sink[1])
    try:
        trunk = peers("trunk", "trunk_uac_hung_up.xml", f"127.0.0.1:{own.port}", "-s",
                      q.number, "-key", "caller", CALLER)
        wait_until(lambda: alice.received("INVITE"), what="alice's phone ringing")
    finally:
        own.stop()
    assert trunk.wait() == 0 and trunk.received("BYE") and alice.received("CANCEL")
    assert q.ended("abandoned")
    status = client.get("/api/v1/me/queues", headers=q.headers("alice")).get_json()[0]
    assert status["calls_waiting"] == 0


@pytest.mark.once
def test_remote_login_from_a_registered_phone_toggles_the_login_and_says_so(
        app, db, client, gateway, peers):
    from api.queues.models import QueueServiceNumber

    q = Company(app, db, client, members=("alice",), logged_in=False)
    service = f"+4723{next(_numbers):06d}"
    db.add(QueueServiceNumber(tenant_id=q.tenant.id, number=service))
    db.commit()

    def toggle(caller: str, name: str) -> None:
        trunk = peers(name, "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}", "-s",
                      service, "-key", "caller", caller)
        assert trunk.wait() == 0 and final_status(trunk) == 200   # announced, then BYE
        assert trunk.received("BYE")

    toggle(q.company.users["alice"], "in")
    assert q.member("alice").logged_in
    toggle(q.company.users["alice"], "out")
    assert not q.member("alice").logged_in
    toggle("+4799999999", "stranger")                  # not registered: nothing changes
    assert not q.member("alice").logged_in
    said = [json.loads(line)["announcement"] for line in gateway.events("remote_login")]
    assert said == ["You are now logged in to Support.", "You are now logged out of Support.",
                    "This phone is not registered for queue login. Nothing has changed."]
