"""Caller priority, "no agent free", the switchboard and hold from the app through the
gateway, against SIPp: the VIP caller who arrives last is answered first, a caller finding
every member busy goes to the overflow, a picked call rings only the picker, the members'
phones show the queue, a held party hears music and comes back."""
from __future__ import annotations

import pytest

import json

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures: one gateway per module)
    CALLER, MEX, User, call, final_status, gateway, gateway_settles, peers, ports, sink)
from tests.support.api import auth
from tests.integration.test_sip_queues import Company, dial_queue, phone, uri
from tests.support.sip import header, sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""), pytest.mark.once]
VIP = "+4790909090"


def _status(q, caller: str):
    calls = [c for c in q.calls() if c.caller_number == caller]
    return calls[0].status if calls else None


def test_a_vip_caller_who_arrives_last_is_answered_first(app, db, client, gateway, peers):
    q = Company(app, db, client, members=("alice",), vip_numbers=[VIP], wrapup_s=0)
    alice = phone(peers, "alice", "phone_answer.xml", calls=3)
    q.phone("alice", uri(alice))

    first = dial_queue(peers, gateway, q.number, hold_ms=3000, caller="+4791000001",
                       name="first")
    wait_until(lambda: _status(q, "+4791000001") == "connected", what="alice talks to the first")
    plain = dial_queue(peers, gateway, q.number, hold_ms=9000, caller="+4791000002",
                       name="plain")
    wait_until(lambda: _status(q, "+4791000002") == "waiting", what="the second caller waits")
    vip = dial_queue(peers, gateway, q.number, hold_ms=6000, caller=VIP, name="vip")
    assert first.wait() == 0 and vip.wait() == 0 and plain.wait() == 0

    rung = [header(m, "P-Asserted-Identity") for m in alice.received("INVITE")]
    assert len(rung) == 3 and "+4791000001" in rung[0]
    assert VIP in rung[1] and "+4791000002" in rung[2]     # the VIP before the earlier caller
    by_caller = {c.caller_number: c for c in q.calls()}
    assert by_caller[VIP].priority_reason == "vip"
    assert by_caller[VIP].answered_at < by_caller["+4791000002"].answered_at


def test_a_caller_finding_every_member_busy_goes_to_the_overflow_at_once(
        app, db, client, gateway, peers, ports):
    q = Company(app, db, client, members=("alice",), leave_when_no_agent_free=True,
                overflow_kind="voicemail")
    alice = phone(peers, "alice", "phone_answer.xml")
    q.phone("alice", uri(alice))
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])

    busy = dial_queue(peers, gateway, q.number, hold_ms=4000, caller="+4791000001",
                      name="busy")
    wait_until(lambda: _status(q, "+4791000001") == "connected", what="alice in a queue call")
    second = dial_queue(peers, gateway, q.number, hold_ms=300, caller="+4791000002",
                        name="second")
    assert second.wait() == 0 and voicemail.wait() == 0
    assert final_status(second) == 200 and q.number in header(
        voicemail.received("INVITE")[0], "Diversion")
    assert _status(q, "+4791000002") == "timed_out"
    assert [c.outcome_detail for c in q.calls() if c.caller_number == "+4791000002"] == [
        "no agent free"]
    assert busy.wait() == 0 and len(alice.received("INVITE")) == 1


@pytest.mark.parametrize("how", ["pick", "assign"])
def test_a_waiting_call_picked_or_assigned_rings_only_that_member(
        app, db, client, gateway, peers, how):
    from api.queues import membership

    q = Company(app, db, client, distribution="ring_all", ring_time_s=2)
    membership.set_pause(db, q.tenant.id, q.ids["alice"], None, True, "lunch")
    alice = phone(peers, "alice", "phone_answer.xml")
    bob = phone(peers, "bob", "phone_no_answer.xml", calls=20)
    q.phone("alice", uri(alice))
    q.phone("bob", uri(bob))

    trunk = dial_queue(peers, gateway, q.number, hold_ms=6000)
    wait_until(lambda: bob.received("INVITE"), what="bob's phone rings for the caller")
    # alice picks it herself, or the switchboard's administrator hands it to her
    headers = q.headers("alice") if how == "pick" else auth(client, q.company.admin_mobile)
    waiting = wait_until(lambda: client.get("/api/v1/switchboard/waiting",
                                            headers=headers).get_json(),
                         what="the call on the switchboard")
    url = f"/api/v1/switchboard/waiting/{waiting[0]['id']}/{how}"
    r = client.post(url, headers=headers, json={"user_id": q.ids["alice"]}) if how == "assign" \
        else client.post(url, headers=headers)
    assert r.status_code == 200, r.get_json()
    assert trunk.wait() == 0 and alice.wait() == 0
    picked_at = alice.first_time("INVITE")
    rang_bob = [w for d, w, t in bob.messages() if d == "received" and t.startswith("INVITE")]
    assert rang_bob and all(w < picked_at for w in rang_bob)  # nobody else rang after it
    call = q.ended("answered")[0]
    assert call.answered_by_user_id == q.ids["alice"] and call.target_user_id == q.ids["alice"]


def test_the_members_phone_shows_the_queues_number_with_its_prefix(
        app, db, client, gateway, peers):
    q = Company(app, db, client, members=("alice",), shown_number="queue",
                shown_prefix="Q-")
    alice = phone(peers, "alice", "phone_answer.xml")
    q.phone("alice", uri(alice))

    trunk = dial_queue(peers, gateway, q.number, hold_ms=300)
    assert trunk.wait() == 0 and alice.wait() == 0
    shown = header(alice.received("INVITE")[0], "From")
    assert shown.startswith('"Q-Support" <sip:' + q.number + "@"), shown


def test_by_default_the_members_phone_shows_the_caller_with_the_queue_prefix(
        app, db, client, gateway, peers):
    q = Company(app, db, client, members=("alice",), shown_prefix="[Support] ")
    alice = phone(peers, "alice", "phone_answer.xml")
    q.phone("alice", uri(alice))

    trunk = dial_queue(peers, gateway, q.number, hold_ms=300)
    assert trunk.wait() == 0 and alice.wait() == 0
    shown = header(alice.received("INVITE")[0], "From")
    assert shown.startswith(f'"[Support] {CALLER}" <sip:{CALLER}@'), shown


def test_a_caller_overflowing_from_another_queue_goes_before_new_callers(
        app, db, client, gateway, peers):
    from api.queues import services
    from api.queues.models import QueueCall
    from sqlalchemy import select

    q = Company(app, db, client, members=("alice",))
    first = services.create_queue(db, q.tenant, {
        "name": "Sales", "number": f"+4724{q.number[-6:]}", "overflow_kind": "queue",
        "overflow_target": str(q.queue.id)})      # nobody logged in: straight on to Support
    alice = phone(peers, "alice", "phone_answer.xml")
    q.phone("alice", uri(alice))

    trunk = dial_queue(peers, gateway, first.number, hold_ms=500)
    assert trunk.wait() == 0 and alice.wait() == 0
    db.expire_all()
    sales = db.scalar(select(QueueCall).where(QueueCall.queue_id == first.id))
    assert sales.outcome_detail == "nobody logged in"
    support = q.ended("answered")[0]
    assert (support.priority_reason, support.caller_number) == ("returned", CALLER)


def test_a_caller_transferred_to_the_queue_waits_as_returned_before_new_callers(
        app, db, client, gateway, peers):
    from api.queues.models import QueueCall
    from sqlalchemy import select

    q = Company(app, db, client, members=("bob",))
    alice = User(app, db, client, company=q.company)
    soft = phone(peers, "soft", "phone_answer.xml")
    q.phone("alice", uri(soft))
    bob = phone(peers, "bob", "phone_answer.xml", "-d", "2000")   # rings two seconds
    q.phone("bob", uri(bob))
    trunk = call(peers, gateway, alice.office, hold_ms=9000)
    mine = wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=q.headers(
        "alice")).get_json() if c["state"] == "answered"], what="alice's answered call")
    # alice hands the caller to the queue, with return (her default)
    r = client.post(f"/api/v1/me/calls/{mine[0]['id']}/transfer", headers=q.headers("alice"),
                    json={"target": {"kind": "queue", "id": q.queue.id}})
    assert r.status_code == 202 and r.get_json()["method"] == "with_return"

    waiting = wait_until(lambda: client.get("/api/v1/switchboard/waiting",
                                            headers=q.headers("bob")).get_json(),
                         what="the transferred caller on the switchboard")
    assert [(w["priority"], w["priority_reason"]) for w in waiting] == [(5, "returned")]
    assert waiting[0]["caller_number"] == CALLER
    assert trunk.wait() == 0 and bob.wait() == 0 and soft.wait() == 0
    db.expire_all()
    queued = db.scalar(select(QueueCall).where(QueueCall.queue_id == q.queue.id))
    assert (queued.answered_by_user_id, queued.priority_reason) == (q.ids["bob"], "returned")
    url = f"/api/v1/me/transfers/{r.get_json()['id']}"
    assert client.get(url, headers=q.headers("alice")).get_json()["state"] == "completed"


def _command(client, headers, live_id: int, kind: str) -> dict:
    r = client.post(f"/api/v1/me/calls/{live_id}/{kind}", headers=headers)
    assert r.status_code == 202, r.get_json()
    url = f"/api/v1/me/calls/commands/{r.get_json()['id']}"
    return wait_until(lambda: (lambda c: c if c["state"] in ("done", "failed") else None)(
        client.get(url, headers=headers).get_json()), what=f"the {kind} command carried out")


def _held(gateway, call_id: str) -> list[tuple]:
    return [(e["held"], e["party"]) for e in map(json.loads, gateway.events("call_hold",
                                                                          call_id))]


def test_a_caller_held_from_the_app_hears_music_and_comes_back(app, db, client, gateway,
                                                                  peers):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml")
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    headers = auth(client, user.mobile)
    trunk = call(peers, gateway, user.office, hold_ms=4000)
    live = wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=headers)
                               .get_json() if c["state"] == "answered"],
                      what="the answered call in my calls")[0]

    held = _command(client, headers, live["id"], "hold")
    assert (held["state"], held["result"]) == ("done", "done"), held
    call_id = wait_until(lambda: trunk.received("SIP/2.0 200") and header(
        trunk.received("SIP/2.0 200")[0], "Call-ID"), what="the trunk's call answered")
    wait_until(lambda: _held(gateway, call_id), what="the hold in the gateway's log")
    tones = [json.loads(e)["state"] for e in gateway.events("hold_tone", call_id)]
    assert tones == ["started"]                             # the caller hears the music
    wait_until(lambda: client.get("/api/v1/me/calls", headers=headers).get_json()[0]["state"]
               == "held", what="my call shown held")
    assert _command(client, headers, live["id"], "retrieve")["result"] == "done"
    wait_until(lambda: len(_held(gateway, call_id)) == 2, what="the retrieve in the log")
    assert _held(gateway, call_id) == [(True, "caller"), (False, "caller")]
    wait_until(lambda: client.get("/api/v1/me/calls", headers=headers).get_json()[0]["state"]
               == "answered", what="my call shown answered again")
    assert [json.loads(e)["state"] for e in gateway.events("hold_tone", call_id)] == [
        "started", "stopped"]
    # the call went on after the retrieve until the caller hung up (its BYE was answered)
    assert trunk.wait() == 0 and soft.wait() == 0 and final_status(trunk) == 200


def test_the_party_a_user_called_is_held_and_comes_back(app, db, client, gateway, peers,
                                                          ports):
    user = User(app, db, client)
    headers = auth(client, user.mobile)
    far_end = peers("far_end", "phone_answer.xml", port=ports["trunk"])
    mobile = call(peers, gateway, "+4755512345", caller=user.mobile, ip=MEX, hold_ms=4000)
    live = wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=headers)
                               .get_json() if c["state"] == "answered"],
                      what="my outgoing call in my calls")[0]
    assert live["direction"] == "outgoing"

    held = _command(client, headers, live["id"], "hold")
    assert (held["state"], held["result"]) == ("done", "done"), held
    assert _command(client, headers, live["id"], "retrieve")["result"] == "done"
    call_id = header(mobile.received("SIP/2.0 200")[0], "Call-ID")
    assert _held(gateway, call_id) == [(True, "called"), (False, "called")]
    assert mobile.wait() == 0 and far_end.wait() == 0 and final_status(mobile) == 200


def test_a_call_not_yet_connected_refuses_hold_and_goes_on(app, db, client, gateway, peers):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml", "-d", "3000")   # rings 3 s before answering
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    headers = auth(client, user.mobile)
    trunk = call(peers, gateway, user.office, hold_ms=500)
    ringing = wait_until(lambda: client.get("/api/v1/me/calls", headers=headers).get_json(),
                         what="the ringing call in my calls")[0]
    assert ringing["state"] == "ringing"
    r = client.post(f"/api/v1/me/calls/{ringing['id']}/hold", headers=headers)
    assert r.status_code == 202
    assert trunk.wait() == 0 and soft.wait() == 0 and final_status(trunk) == 200
