"""By SIP: a company's queue and main number still reach that company after a hostile second
company tried to take them over the API (SIPp as the trunk and as everyone's phones)."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures: one gateway per module)
    final_status, gateway, gateway_settles, peers, ports, sink)
from tests.integration.test_sip_queues import Company, dial_queue, phone, uri
from tests.support.api import auth
from tests.support.sip import sip_tools_missing

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")


def test_calls_to_a_companys_queue_and_main_number_reach_it_after_another_tried_to_take_them(
        app, db, client, gateway, peers):
    victim = Company(app, db, client, members=("alice",))
    h = auth(client, victim.company.admin_mobile)
    main = client.post("/api/v1/main-numbers", headers=h, json={
        "number": "+4723970000", "label": "Switchboard", "user_id": victim.ids["alice"]})
    assert main.status_code == 201, main.get_json()
    attacker = Company(app, db, client, members=("bob",))
    hb = auth(client, attacker.company.admin_mobile)
    bob_id = attacker.ids["bob"]
    for number in (victim.number, "+4723970000"):
        for r in (client.patch(f"/api/v1/users/{bob_id}", headers=hb,
                               json={"office_number": number}),
                  client.patch(f"/api/v1/queues/{attacker.queue.id}", headers=hb,
                               json={"number": number}),
                  client.post("/api/v1/main-numbers", headers=hb, json={
                      "number": number, "label": "Hijack", "user_id": bob_id})):
            assert r.status_code == 409, r.get_json()
    alice = phone(peers, "alice", "phone_answer.xml", calls=2)
    bob = phone(peers, "bob", "phone_answer.xml")
    victim.phone("alice", uri(alice))
    attacker.phone("bob", uri(bob))

    to_queue = dial_queue(peers, gateway, victim.number, hold_ms=300)
    assert to_queue.wait() == 0 and final_status(to_queue) == 200
    victim.ended("answered")
    to_main = dial_queue(peers, gateway, "+4723970000", hold_ms=300, name="trunk2")
    assert to_main.wait() == 0 and final_status(to_main) == 200
    assert alice.wait() == 0 and len(alice.received("INVITE")) == 2
    assert not bob.received("INVITE")
