"""Out-of-dialog SUBSCRIBE and MESSAGE from anyone: pjsua would accept them with 200 (a
presence subscription, an instant message to nobody); the gateway answers 405 with the
methods it does take in `Allow`, and calls go on."""
from __future__ import annotations

import socket

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    User, call, final_status, gateway, gateway_settles, peers, ports, sink)
from tests.support.sip import header, raw_request, sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""),
              pytest.mark.once]  # SIP handling does not depend on the database

REQUESTS = {
    "SUBSCRIBE": {"extra": "Event: presence\r\nExpires: 3600"},
    "MESSAGE": {"body": "free minutes, call now", "content_type": "text/plain"},
}


def answer(transport: str, port: int, method: str) -> str:
    """The final answer to one request from a stranger (its text)."""
    kind = socket.SOCK_DGRAM if transport == "UDP" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as s:
        s.settimeout(3.0)
        s.bind(("127.0.0.1", 0))
        me = s.getsockname()[1]
        s.connect(("127.0.0.1", port))
        s.sendall(raw_request(transport, me, 1, method=method, **REQUESTS[method]).encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65535)
        return data.decode("latin-1")


@pytest.mark.parametrize("transport", ["UDP", "TCP"])
@pytest.mark.parametrize("method", sorted(REQUESTS))
def test_an_out_of_dialog_request_the_gateway_does_not_take_gets_405_with_allow(
        app, db, client, gateway, peers, transport, method):
    reply = answer(transport, gateway.port, method)

    assert reply.startswith("SIP/2.0 405 "), reply.splitlines()[0]
    allowed = {m.strip() for m in (header(reply, "Allow") or "").split(",")}
    assert {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"} <= allowed
    assert method not in allowed
    wait_until(lambda: gateway.events("refused_request"), what="the refusal in the log")

    user = User(app, db, client)     # and calls still go through
    phone = peers("soft", "phone_answer.xml")
    user.devices(softphone=f"sip:soft@127.0.0.1:{phone.port}")
    trunk = call(peers, gateway, user.office, hold_ms=0)
    assert trunk.wait() == 0 and final_status(trunk) == 200
