"""Transfers to each kind of target, end to end: a main number and an external number
through the trunk (with the number the company lets them see), a queue's own handling, a
colleague whose availability sends the call back; and the hold music on the wire."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api.accounts.models import User as U
from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    CALLER, User, gateway, gateway_settles, peers, ports, sink)
from tests.integration.test_sip_transfer import Transfer, _target
from tests.support.api import auth
from tests.support.sip import Ear, header, sip_tools_missing, wait_until

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")

MAIN = "+4722000000"


def _main_number(client, company) -> int:
    r = client.post("/api/v1/main-numbers", headers=auth(client, company.admin_mobile),
                    json={"number": MAIN, "label": "Switchboard"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_a_main_number_target_is_rung_through_the_trunk_showing_the_caller(
        app, db, client, gateway, peers, ports):
    target = _target(peers, ports, "phone_answer.xml", "-d", "300")
    t = Transfer(app, db, client, gateway, peers)
    main_id = _main_number(client, t.user.company)
    r = client.post(f"/api/v1/me/calls/{t.call_id}/transfer", headers=t.headers,
                    json={"target": {"kind": "main_number", "id": main_id}, "method": "blind"})
    assert r.status_code == 202, r.get_json()
    assert t.state(r.get_json(), "completed")["target"]["number"] == MAIN
    assert t.trunk.wait() == 0 and target.wait() == 0
    invite = target.received("INVITE")[0]
    assert invite.startswith(f"INVITE sip:{MAIN}@")
    assert CALLER in header(invite, "P-Asserted-Identity") and CALLER in header(invite, "From")


@pytest.mark.parametrize("shown", ["main_number", "office"])
def test_an_external_target_sees_the_number_the_company_chose_for_transfers(
        app, db, client, gateway, peers, ports, shown):
    target = _target(peers, ports, "phone_answer.xml", "-d", "300")
    t = Transfer(app, db, client, gateway, peers)
    main_id = _main_number(client, t.user.company)
    r = client.put("/api/v1/transfer-policy", headers=auth(client, t.user.company.admin_mobile),
                   json={"timeout_s": 20, "external_display": shown,
                         "external_display_main_number_id": main_id})
    assert r.status_code == 200, r.get_json()
    transfer = t.start("blind")
    assert t.state(transfer, "completed")
    assert t.trunk.wait() == 0 and target.wait() == 0
    invite = target.received("INVITE")[0]
    number = MAIN if shown == "main_number" else t.user.office
    assert number in header(invite, "From") and number in header(invite, "P-Asserted-Identity")
    assert CALLER not in invite


def test_a_queue_with_a_number_takes_the_transferred_call_into_its_own_handling(
        app, db, client, gateway, peers):
    from api.accounts.models import Tenant
    from api.availability.models import Device
    from api.queues import membership, services
    from api.queues.models import QueueCall

    t = Transfer(app, db, client, gateway, peers)
    bob_phone = peers("bob", "phone_answer.xml", "-d", "200")
    bob = db.scalar(select(U.id).where(U.mobile == t.user.company.users["bob"]))
    db.add(Device(tenant_id=t.user.tenant_id, user_id=bob, kind="softphone", label="soft",
                  enabled=True, sip_uri=f"sip:bob@127.0.0.1:{bob_phone.port}"))
    queue = services.create_queue(db, db.get(Tenant, t.user.tenant_id),
                                  {"name": "Support", "number": "+4723999001"})
    services.set_member(db, queue, bob, {"priority": 0})
    membership.set_login(db, t.user.tenant_id, bob, None, True, by_user_id=None)
    db.commit()

    r = client.post(f"/api/v1/me/calls/{t.call_id}/transfer", headers=t.headers,
                    json={"target": {"kind": "queue", "id": queue.id}, "method": "blind"})
    assert r.status_code == 202, r.get_json()
    assert t.state(r.get_json(), "completed")
    assert t.soft.wait() == 0 and t.soft.received("BYE")   # the user is free at once
    assert bob_phone.wait() == 0                          # the queue rang its member
    assert CALLER in header(bob_phone.received("INVITE")[0], "P-Asserted-Identity")
    assert t.trunk.wait() == 0
    answered = wait_until(lambda: db.scalar(select(QueueCall.answered_by_user_id).where(
        QueueCall.queue_id == queue.id)), what="the queue call answered")
    assert answered == bob


def test_the_held_caller_hears_the_hold_music_on_the_wire_until_bridged_to_the_target(
        app, db, client, gateway, peers, ports, tmp_path):
    ear = Ear()
    try:
        target = _target(peers, ports, "phone_answer.xml", "-d", "2000")
        t = Transfer(app, db, client, gateway, peers, trunk=ear.scenario(tmp_path))
        wait_until(lambda: len(ear.packets) >= 10, what="the caller's audio")
        assert not any(ear.tone(p) for p in ear.packets)   # talking to a silent softphone
        transfer = t.start("with_return")
        wait_until(lambda: sum(ear.tone(p) for p in ear.packets) >= 25,
                   what="the hold music at the caller")  # half a second of it, while ringing
        assert t.state(transfer, "completed")
        after = len(ear.packets)
        wait_until(lambda: len(ear.packets) >= after + 25 and
                   not any(ear.tone(p) for p in ear.packets[-15:]),
                   what="silence from the target after the music")
        assert t.trunk.wait() == 0 and target.wait() == 0
    finally:
        ear.close()


@pytest.mark.once
def test_a_phone_holding_the_call_plays_the_hold_music_to_the_caller_until_it_resumes(
        app, db, client, gateway, peers, tmp_path):
    ear = Ear()
    try:
        user = User(app, db, client)
        # talks 1.5 s, holds 1.5 s, takes the call back
        soft = peers("soft", "phone_answer_hold.xml", "-d", "1500", "-key", "hold", "sendonly")
        user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
        trunk = peers("trunk", ear.scenario(tmp_path), f"127.0.0.1:{gateway.port}", "-s",
                      user.office, "-key", "caller", CALLER, "-d", "6000")
        wait_until(lambda: sum(ear.tone(p) for p in ear.packets) >= 25,
                   what="the hold music at the caller")  # half a second of it, while held
        call_id = header(trunk.received("SIP/2.0 200")[0], "Call-ID")
        wait_until(lambda: [x for x in gateway.events("hold_tone", call_id) if '"stopped"' in x],
                   what="the phone to resume the call")
        after = len(ear.packets)
        wait_until(lambda: len(ear.packets) >= after + 25 and
                   not any(ear.tone(p) for p in ear.packets[-15:]),
                   what="the silent phone again after the music")
        assert trunk.wait() == 0 and soft.wait() == 0
    finally:
        ear.close()


def test_a_colleague_on_do_not_disturb_sends_the_call_back_and_the_push_says_so(
        app, db, client, gateway, peers, sink):
    from datetime import timedelta

    from api.availability.models import Profile
    from api.availability.services import ensure_standard, set_availability
    from api.core.clock import now

    t = Transfer(app, db, client, gateway, peers, soft_calls=2, hold_ms=3000)
    bob = db.scalar(select(U).where(U.mobile == t.user.company.users["bob"]))
    ensure_standard(db, bob.tenant_id, bob.id)
    dnd = db.scalar(select(Profile.id).where(Profile.user_id == bob.id, Profile.key == "dnd"))
    set_availability(db, bob.tenant_id, bob.id, bob.id, dnd, now() + timedelta(hours=2), None)

    def returned():   # the sink keeps earlier tests' pushes (ids, so tokens, repeat)
        return [p for p in sink[0].after(t.token, 0, 0) if p["kind"] == "transfer_returned"]
    before = len(returned())
    r = client.post(f"/api/v1/me/calls/{t.call_id}/transfer", headers=t.headers,
                    json={"target": {"kind": "colleague", "id": bob.id}})
    assert r.status_code == 202, r.get_json()
    assert t.state(r.get_json(), "returned")["reason"] == "busy"   # his plan: busy tone
    assert wait_until(lambda: len(t.soft.received("INVITE")) == 2,
                      what="my phone to ring again")
    back = wait_until(lambda: returned()[before:], what="the push")
    # not "Bob is busy": his availability says why
    assert back[0]["payload"]["why"].startswith(f"{bob.full_name} is not available until ")
    assert t.trunk.wait() == 0 and t.soft.wait() == 0
