"""The app as a softphone (pjsua2): it registers as my app device with the RFC 8599 push
parameters of its push token in its Contact, then sleeps (unregisters) as a phone's app
does; the who's-calling push wakes it, it registers again, answers the INVITE the SIP edge
held for it and, when the call is over, sleeps again.

One thread drives pjsua2 (`libHandleEvents`); pushes arrive from the local push sink on a
reader thread and are handed over through a queue.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from typing import Callable

from . import push
from .client import AppClient

POLL_MS = 20


def provision(app: AppClient, push_device_id: int) -> dict:
    """My app device for this push device: SIP credentials (new ones each time) and the push
    parameters it registers with."""
    return app.request("POST", "/api/v1/me/devices",
                       json={"kind": "app", "push_device_id": push_device_id})


def rings_the_app(received: dict) -> bool:
    payload = received.get("payload") or {}
    ringing = payload.get("ringing") or "[]"
    return received.get("kind") == "incoming_call" and "app" in (
        json.loads(ringing) if isinstance(ringing, str) else ringing)


class Softphone:
    """The pjsua2 endpoint and account of one app device; `say` prints what happens."""

    def __init__(self, device: dict, *, say: Callable[[str], None] = print) -> None:
        import pjsua2 as pj

        self.pj, self.say = pj, say
        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.userAgent = "pbx-companion-app-sim"
        cfg.logConfig.level = cfg.logConfig.consoleLevel = 1
        cfg.medConfig.clockRate = cfg.medConfig.sndClockRate = 8000
        self.ep.libInit(cfg)
        transport = pj.TransportConfig()
        transport.boundAddress = "127.0.0.1"
        self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        self.ep.libStart()
        self.ep.audDevManager().setNullDev()
        creds = device["sip_credentials"]
        acc = pj.AccountConfig()
        acc.idUri = creds["aor"]
        acc.regConfig.registrarUri = creds["registrar"]
        acc.regConfig.registerOnAdd = False
        acc.regConfig.timeoutSec = 300
        acc.sipConfig.contactUriParams = device["push_params"]["contact_params"]
        acc.sipConfig.authCreds.append(pj.AuthCredInfo(
            "digest", creds["realm"], creds["username"], 0, creds["password"]))
        self.registered: bool | None = None
        self.refused = 0   # the status of the last refused registration
        self.incoming: list = []
        self.call = None
        self.account = _account_class(pj)(self)
        self.account.create(acc)

    def pump(self, until: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                return False
            self.ep.libHandleEvents(POLL_MS)
        return True

    def register(self, on: bool, timeout: float = 10.0, attempts: int = 3) -> bool:
        """Registers (or unregisters); a server error (the registrar could not store it) is
        tried again at once, as the app would."""
        for _ in range(attempts):
            self.registered, self.refused = None, 0
            self.account.setRegistration(on)
            if self.pump(lambda: self.registered is not None, timeout) and \
                    self.registered == on:
                return True
            if self.refused < 500:
                return False
        return False

    def answer(self, after_s: float, timeout: float) -> str | None:
        """Answers the next INVITE (ringing `after_s` first) and waits for the call's end;
        None when no INVITE came within `timeout`."""
        if not self.pump(lambda: bool(self.incoming), timeout):
            return None
        self.call = self.incoming.pop(0)
        prm = self.pj.CallOpParam()
        prm.statusCode = 180
        self.call.answer(prm)
        peer = self.call.getInfo().remoteUri
        self.pump(lambda: False, after_s)
        prm.statusCode = 200
        self.call.answer(prm)
        self.say(f"answered the call from {peer}")
        self.pump(lambda: self.call.ended, 4 * 3600)
        self.say("the call ended")
        self.call = None
        return peer

    def close(self) -> None:
        self.incoming.clear()
        self.call = None
        self.account.shutdown()
        self.ep.libDestroy()


def _account_class(pj):
    class Call(pj.Call):
        ended = False

        def onCallState(self, prm) -> None:
            if self.getInfo().state == pj.PJSIP_INV_STATE_DISCONNECTED:
                self.ended = True

    class Account(pj.Account):
        def __init__(self, phone: Softphone) -> None:
            super().__init__()
            self.phone = phone

        def onRegState(self, prm) -> None:
            info = self.getInfo()
            if prm.code // 100 == 2:
                self.phone.registered = info.regIsActive
            elif prm.code >= 300:
                self.phone.registered, self.phone.refused = False, prm.code
                self.phone.say(f"registration refused: {prm.code} {prm.reason}")

        def onIncomingCall(self, prm) -> None:
            self.phone.incoming.append(Call(self, prm.callId))

    return Account


def run(phone: Softphone, sink_url: str, token: str, *, calls: int, answer_after_s: float,
        ring_s: float = 60.0) -> int:
    """Sleep until a push wakes the app for a call, register, answer; `calls` times.
    Returns how many calls it answered."""
    if not phone.register(True):
        phone.say("could not register")
        return 0
    phone.say("registered with its push parameters")
    pushes: queue.Queue = queue.Queue()
    start = push.receive(sink_url, token, wait=0)
    after = start[-1]["id"] if start else 0
    threading.Thread(target=lambda: [pushes.put(p) for p in push.listen(
        sink_url, token, after=after)], daemon=True).start()
    answered = 0
    for _ in range(calls):
        phone.register(False)
        phone.say("asleep (unregistered): waiting for a push")
        received = pushes.get()
        while not rings_the_app(received):
            received = pushes.get()
        phone.say(f"woken by the push for call {received.get('call_id')}: registering")
        phone.register(True)
        if phone.answer(answer_after_s, ring_s) is not None:
            answered += 1
        else:
            phone.say("no call came: it ended before the app woke")
    phone.register(False)
    return answered
