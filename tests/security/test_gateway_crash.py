"""A gateway killed in the middle of a call: the call stays in the live calls until the
gateway starts again, which then writes it to the user's call log as failed, with the
reason, instead of deleting it."""
from __future__ import annotations

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    User, call, peers, sink)
from tests.support.api import auth
from tests.support.sip import Gateway, free_port, sip_tools_missing, wait_until

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")


def test_a_call_ringing_when_the_gateway_was_killed_shows_failed_after_its_restart(
        app, db, client, database_url, tmp_path, peers, sink):
    user = User(app, db, client)
    phone = peers("soft", "phone_no_answer.xml")
    user.devices(softphone=f"sip:soft@127.0.0.1:{phone.port}")
    headers = auth(client, user.mobile)
    ports = {"trunk_port": free_port(), "voicemail_port": free_port()}
    first = Gateway(database_url, tmp_path, sink_url=sink[1],
                    gateway_id="crash-test", **ports)
    try:
        call(peers, first, user.office)
        wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=headers)
                            .get_json() if c["state"] == "ringing"],
                   what="the call ringing in my calls")
        first.proc.kill()
        first.proc.wait(10)
        # nothing finished it: the user is still "in a call"
        assert len(client.get("/api/v1/me/calls", headers=headers).get_json()) == 1
    finally:
        first.stop()

    again = Gateway(database_url, tmp_path, sink_url=sink[1],
                    gateway_id="crash-test", **ports)
    try:
        [entry] = wait_until(lambda: client.get("/api/v1/me/call-log", headers=headers)
                             .get_json(), what="the interrupted call in the call log")
        assert (entry["status"], entry["end_reason"]) == ("failed", "the gateway restarted")
        assert entry["other_number"] == "+4791234567"
        assert client.get("/api/v1/me/calls", headers=headers).get_json() == []
    finally:
        again.stop()
