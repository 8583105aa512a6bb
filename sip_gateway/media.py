"""Who talks to whom on the gateway's conference bridge, and the keys pressed on one leg
relayed to the leg it talks to (on the pjsua thread).

Every audio connection between two of a call's legs (caller and answering phone, user and
transfer target while consulting) is made here, so the same links carry the keys: a key
arrives on one leg (RFC 4733 telephone-event, or SIP INFO `application/dtmf-relay` or
`application/dtmf`) and leaves on its partner as an RFC 4733 event with the payload type
that leg negotiated (pjmedia keeps one per stream). A partner that offered no
telephone-event gets the key as SIP INFO `application/dtmf-relay` instead.
"""
from __future__ import annotations

import logging

import pjsua2 as pj

log = logging.getLogger("sip_gateway")
KEYS = frozenset("0123456789*#ABCD")
KEY_MS = 160   # how long a relayed key lasts (RFC 4733 events, SIP INFO Duration)
METHODS = {pj.PJSUA_DTMF_METHOD_RFC2833: "rfc4733", pj.PJSUA_DTMF_METHOD_SIP_INFO: "info"}


class Links:
    """A call's audio partners: each leg talks to at most one other leg."""

    def __init__(self) -> None:
        self._peer: dict[int, object] = {}

    def peer(self, call):
        return self._peer.get(id(call))

    def connect(self, one, two) -> None:
        """Both hear each other from now on; each one's earlier partner (whose audio the
        caller of this has already stopped or hung up) no longer gets its keys."""
        a, b = one.getAudioMedia(-1), two.getAudioMedia(-1)
        a.startTransmit(b)
        b.startTransmit(a)
        for call in (one, two):
            old = self._peer.pop(id(call), None)
            if old is not None and self._peer.get(id(old)) is call:
                del self._peer[id(old)]
        self._peer[id(one)], self._peer[id(two)] = two, one

    def disconnect(self, one, two) -> None:
        a, b = one.getAudioMedia(-1), two.getAudioMedia(-1)
        a.stopTransmit(b)
        b.stopTransmit(a)
        for call, other in ((one, two), (two, one)):
            if self._peer.get(id(call)) is other:
                del self._peer[id(call)]

    def forget(self, call) -> None:
        """The leg is gone: it talks to nobody."""
        other = self._peer.pop(id(call), None)
        if other is not None and self._peer.get(id(other)) is call:
            del self._peer[id(other)]


def key_pressed(session, call, key: str, method: int) -> None:
    """A key arrived on `call` (one of `session`'s legs): the gateway's own voicemail and a
    queue call hear the caller's keys, and the key goes on to the leg `call` talks to."""
    from . import queuecalls, voicemailcalls

    if key not in KEYS:
        return
    if call.leg is None:   # the caller's keys: voicemail's menu, or a queue's callback key
        if voicemailcalls.is_voicemail(session):
            voicemailcalls.digit(session, key)
        else:
            queuecalls.digit(session, key)
    peer = session.links.peer(call)
    if peer is None or not session.gw.alive(peer):
        return
    sent = send_key(peer, key)
    log.info("key relayed", extra=session.log_extra(
        event="dtmf_relayed", digit=key, came=METHODS.get(method, str(method)), went=sent,
        direction="to_phone" if call.leg is None else "to_caller"))


def send_key(call, key: str) -> str:
    """`key` to the far end of `call`: RFC 4733 when it negotiated telephone-event, else
    SIP INFO. Returns the method used."""
    prm = pj.CallSendDtmfParam()
    prm.digits, prm.duration = key, KEY_MS
    for method in (pj.PJSUA_DTMF_METHOD_RFC2833, pj.PJSUA_DTMF_METHOD_SIP_INFO):
        prm.method = method
        try:
            call.sendDtmf(prm)
            return METHODS[method]
        except pj.Error:
            continue
    return "failed"
