"""Malformed SIP over UDP and TCP: what the gateway answers (pjsip itself, or the gateway's
guard where pjsip would drop the request), and a normal call going through after each."""
from __future__ import annotations

import os
import signal
import socket
import time

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    User, call, final_status, gateway, gateway_settles, peers, ports, sink)
from tests.support.sip import raw_request, sip_tools_missing

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""),
              pytest.mark.once]  # SIP parsing does not depend on the database
SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
VIDEO_ONLY = SDP.replace("m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000",
                         "m=video 40000 RTP/AVP 96\r\na=rtpmap:96 H264/90000")
G729_ONLY = SDP.replace("RTP/AVP 0\r\na=rtpmap:0 PCMU/8000", "RTP/AVP 18\r\na=rtpmap:18 G729/8000")


# (what is wrong, request arguments, final status over UDP, over TCP; None: no answer)
CASES = [
    ("not SIP at all", None, None, None),
    ("no Via: nowhere to answer (RFC 3261 18.2.2)", {"drop": ("Via",)}, None, None),
    ("no Call-ID", {"drop": ("Call-ID",)}, 400, 400),
    ("no CSeq", {"drop": ("CSeq",)}, 400, 400),
    ("no From", {"drop": ("From",)}, 400, 400),
    ("no To", {"drop": ("To",)}, 400, 400),
    ("CSeq not a number", {"cseq": "abc INVITE"}, 400, 400),
    ("CSeq method is not the request's", {"cseq": "1 BYE"}, 500, 500),
    ("no Contact on an INVITE", {"drop": ("Contact",)}, 400, 400),
    ("Content-Length not a number", {"body": SDP, "length": "abc"}, 400, None),
    ("Content-Length beyond the body", {"body": SDP, "length": 5000}, 404, None),
    ("Content-Length cutting the SDP", {"body": SDP, "length": 10}, 404, 400),
    ("SDP that does not parse", {"body": "v=0\r\nnot sdp\r\n"}, 400, 400),
    ("SDP without audio", {"body": VIDEO_ONLY}, 488, 488),
    ("SDP with no codec the gateway has", {"body": G729_ONLY}, 488, 488),
    ("a body that is not SDP", {"body": "hello", "content_type": "text/plain"}, 415, 415),
    ("unknown method", {"method": "FROBNICATE"}, 501, 501),
    ("REGISTER (not a registrar)", {"method": "REGISTER"}, 501, 501),
    ("BYE outside any dialog", {"method": "BYE"}, 481, 481),
    ("REFER outside any call", {"method": "REFER"}, 481, 481),
    ("a called user that is no number", {"user": "hello"}, 404, 404),
    ("an escaped NUL in the called user", {"user": "%2A%00"}, 404, 404),
    ("8 kB header", {"extra": "X-Big: " + "a" * 8000}, 404, 513),
    ("60 kB header", {"extra": "X-Big: " + "a" * 60000}, 404, 513),
]


def send(transport: str, port: int, build, timeout: float) -> list[int]:
    """One raw request on a fresh socket; the statuses answered up to the final one."""
    kind = socket.SOCK_DGRAM if transport == "UDP" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as s:
        s.settimeout(timeout)
        s.bind(("127.0.0.1", 0))
        me = s.getsockname()[1]
        data = build(me)
        s.connect(("127.0.0.1", port))
        s.sendall(data)
        statuses, buffer = [], b""
        try:
            while not statuses or statuses[-1] < 200:
                chunk = s.recv(65535)
                if not chunk:
                    break
                buffer += chunk
                statuses = [int(line.split()[1]) for line in buffer.split(b"\r\n")
                            if line.startswith(b"SIP/2.0 ")]
        except TimeoutError:
            pass
        return statuses


@pytest.mark.parametrize("transport", ["UDP", "TCP"])
def test_each_malformed_request_gets_its_sip_error_and_a_normal_call_goes_through_after_it(
        app, db, client, gateway, peers, transport):
    user = User(app, db, client)
    phone = peers("soft", "phone_answer.xml", calls=len(CASES))
    user.devices(softphone=f"sip:soft@127.0.0.1:{phone.port}")
    answered = {}
    for n, (what, args, udp, tcp) in enumerate(CASES):
        expected = udp if transport == "UDP" else tcp

        def build(me, args=args, n=n):
            if args is None:
                return b"\x00\xffnot sip at all\r\n\r\n"
            return raw_request(transport, me, n, **args).encode()

        statuses = send(transport, gateway.port, build, 2.0 if expected else 0.5)
        answered[what] = statuses[-1] if statuses else None
        trunk = call(peers, gateway, user.office, hold_ms=0)
        assert trunk.wait() == 0 and final_status(trunk) == 200, f"call after: {what}"
    assert answered == {what: (udp if transport == "UDP" else tcp)
                        for what, _, udp, tcp in CASES}
    assert phone.wait() == 0 and gateway.alive()
    assert gateway.events("malformed_request") and gateway.events("unhandled_request")


def test_a_burst_that_arrives_while_the_gateway_is_stalled_is_answered_in_full(gateway):
    """At a few hundred calls a second, a moment the gateway does not read its socket (the
    core taken by other work, a garbage collection) must cost no request: a lost ACK and BYE
    leave a call hanging until pjsip's timers end it, a minute later. 1,000 requests arrive
    while it is stopped; every one is answered once it goes on."""
    n, answered = 1000, set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)  # room for every answer
        s.bind(("127.0.0.1", 0))
        me = s.getsockname()[1]
        os.kill(gateway.proc.pid, signal.SIGSTOP)
        try:
            for i in range(n):
                s.sendto(raw_request("UDP", me, i, method="OPTIONS").encode(),
                         ("127.0.0.1", gateway.port))
        finally:
            os.kill(gateway.proc.pid, signal.SIGCONT)
        s.settimeout(0.5)
        deadline = time.monotonic() + 30
        while len(answered) < n and time.monotonic() < deadline:
            try:
                data = s.recv(65535)
            except TimeoutError:
                continue
            if data.startswith(b"SIP/2.0 200"):
                answered.add(next(line for line in data.split(b"\r\n")
                                  if line.startswith(b"Call-ID:")))
    assert len(answered) == n and gateway.alive()
