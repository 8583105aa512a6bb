"""Caller priority, "no agent free" and the switchboard through the gateway, against SIPp:
the VIP caller who arrives last is answered first, a caller finding every member busy goes
to the overflow, a picked call rings only the picker."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures: one gateway per module)
    CALLER, final_status, gateway, peers, ports, sink)
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


def test_a_waiting_call_picked_from_the_app_rings_only_the_picker(
        app, db, client, gateway, peers):
    from api.queues import membership

    q = Company(app, db, client, distribution="ring_all", ring_time_s=2)
    membership.set_pause(db, q.tenant.id, q.ids["alice"], None, True, "lunch")
    alice = phone(peers, "alice", "phone_answer.xml")
    bob = phone(peers, "bob", "phone_no_answer.xml", calls=20)
    q.phone("alice", uri(alice))
    q.phone("bob", uri(bob))

    trunk = dial_queue(peers, gateway, q.number, hold_ms=6000)
    wait_until(lambda: bob.received("INVITE"), what="bob's phone rings for the caller")
    waiting = wait_until(lambda: client.get("/api/v1/switchboard/waiting",
                                            headers=q.headers("alice")).get_json(),
                         what="the call on alice's switchboard")
    r = client.post(f"/api/v1/switchboard/waiting/{waiting[0]['id']}/pick",
                    headers=q.headers("alice"))
    assert r.status_code == 200, r.get_json()
    assert trunk.wait() == 0 and alice.wait() == 0
    picked_at = alice.first_time("INVITE")
    rang_bob = [w for d, w, t in bob.messages() if d == "received" and t.startswith("INVITE")]
    assert rang_bob and all(w < picked_at for w in rang_bob)  # nobody else rang after the pick
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
