"""Transfer with return to a colleague, end to end with SIPp: only the colleague's own
devices ring (never their voicemail), the call comes back at once when their plan would not
ring them, the transferring user is free while it rings, and a call that comes back rings
the user with a new who's-calling push saying so."""
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
    CALLER, User, call, final_status, gateway, gateway_settles, peers, ports, sink)
from tests.integration.test_sip_transfer import Transfer
from tests.support.sip import header, sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""), pytest.mark.once]


def _bob(t: Transfer, db, client, peers, scenario: str) -> tuple[U, object]:
    """The transferring user's colleague Bob, his softphone a SIPp phone."""
    bob = db.scalar(select(U).where(U.mobile == t.user.company.users["bob"]))
    phone = peers("bob", scenario)
    colleague = User.__new__(User)
    colleague.db, colleague.client, colleague.mobile = db, client, bob.mobile
    colleague.id, colleague.tenant_id = bob.id, bob.tenant_id
    colleague.devices(softphone=f"sip:bob@127.0.0.1:{phone.port}")
    return bob, phone


def _transfer_to(t: Transfer, bob: U, timeout_s: int = 20) -> dict:
    r = t.client.post(f"/api/v1/me/calls/{t.call_id}/transfer", headers=t.headers,
                      json={"target": {"kind": "colleague", "id": bob.id},
                            "method": "with_return", "timeout_s": timeout_s})
    assert r.status_code == 202, r.get_json()
    return r.get_json()


def _pushes(sink, t: Transfer, kind: str, n: int = 1) -> list[dict]:
    """This call's pushes of `kind` to the transferring user, once there are `n`."""
    invite = next(x for d, _, x in t.trunk.messages() if d == "sent" and x.startswith("INVITE"))
    call_id = header(invite, "Call-ID")
    return wait_until(lambda: (lambda p: p if len(p) >= n else None)(
        [p for p in sink[0].after(t.token, 0, 0) if p["kind"] == kind
         and (p.get("call_id") or "").startswith(call_id)]), what=f"{n} {kind} push(es)")


def test_a_colleague_in_a_meeting_sends_the_call_back_at_once_and_never_to_voicemail(
        app, db, client, gateway, peers, ports, sink):
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    t = Transfer(app, db, client, gateway, peers, soft_calls=2, hold_ms=5000)
    bob, phone = _bob(t, db, client, peers, "phone_answer.xml")
    meeting = db.scalar(select(Profile.id).where(Profile.user_id == bob.id,
                                                 Profile.key == "meeting"))
    set_availability(db, bob.tenant_id, bob.id, bob.id, meeting, now() + timedelta(hours=1),
                     None)

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


def test_an_unanswered_colleague_comes_back_as_no_answer_and_the_user_is_free_meanwhile(
        app, db, client, gateway, peers, ports, sink):
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    t = Transfer(app, db, client, gateway, peers, soft_calls=2, hold_ms=9000)
    bob, phone = _bob(t, db, client, peers, "phone_no_answer.xml")
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
    # the call rings me again with a new who's-calling push that says it came back
    first, again = _pushes(sink, t, "incoming_call", 2)[:2]
    assert again["call_id"] != first["call_id"]
    back = json.loads(again["payload"]["context"])["returned"]
    assert back == {"transfer_id": transfer["id"], "reason": "no_answer",
                    "target": bob.full_name}
    assert t.trunk.wait() == 0 and t.soft.wait() == 0 and phone.wait() == 0
    assert phone.received("CANCEL") and not voicemail.received("INVITE")
    assert [c["state"] for c in client.get("/api/v1/me/calls", headers=t.headers)
            .get_json()] in ([], ["answered"])
