"""The call log says why a call went where it went, for calls through the real gateway."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures)
    CALLER, User, call, final_status, gateway, gateway_settles, logged, peers, ports, sink)
from tests.support.api import auth
from tests.support.sip import sip_tools_missing

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")


def _my_log(user: User) -> list:
    r = user.client.get("/api/v1/me/call-log", headers=auth(user.client, user.mobile))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_an_unanswered_call_that_went_to_voicemail_says_so_and_by_which_profile(
        app, db, client, gateway, peers, ports):
    user = User(app, db, client)
    soft = peers("soft", "phone_no_answer.xml")
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    user.profile(no_answer_after=1, no_answer={"kind": "voicemail"})

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and soft.wait() == 0 and voicemail.wait() == 0
    assert final_status(trunk) == 200
    entry = logged(user, "missed")[0]
    assert entry.outcome == "voicemail"
    assert entry.reason["profile"] == "Available" and entry.reason["rule"] == "when_free"
    [shown] = _my_log(user)
    assert shown["outcome"] == "voicemail" and shown["other_number"] == CALLER
    assert shown["why"] == "Went to voicemail by your Available profile, when free"


def test_a_call_forwarded_to_a_colleague_names_the_colleague_in_the_callers_log(
        app, db, client, gateway, peers):
    alice = User(app, db, client)
    bob = User(app, db, client, "bob", company=alice.company)
    bobs = peers("bobs", "phone_answer.xml")
    bob.devices(softphone=f"sip:bobs@127.0.0.1:{bobs.port}")
    alice.profile(when_free={"kind": "colleague", "target": str(bob.id)})

    trunk = call(peers, gateway, alice.office)
    assert trunk.wait() == 0 and bobs.wait() == 0 and final_status(trunk) == 200
    wait_for = logged(alice, "missed")
    assert wait_for[0].outcome == "forwarded"
    [shown] = _my_log(alice)
    assert shown["why"] == f"Forwarded to {bob.row.first_name} {bob.row.last_name} by your " \
                           "Available profile, when free"
    assert logged(bob, "answered")[0].outcome == "answered"
