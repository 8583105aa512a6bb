"""The pjsua2 side of the gateway: translates SIP callbacks into call control inputs and its
actions into pjsua2 calls. Nothing here decides anything about a call.

One thread (the one calling `run()`) owns every pjsua2 object and polls it; other threads
(routing, the recorder, the command poller) hand work to it with `post()`. Timers live in a
heap polled by the same loop.

A pjsua2 `Call` keeps its pjsua call id after the call is over, and its C++ destructor hangs
up and unhooks whatever call has that id *then*. pjsua hands ids out again (round robin), so
a Python call object that outlives its call (held by a session, or waiting in a reference
cycle for the garbage collector) would, when it finally goes, hang up or silence a stranger's
call. Over calls are therefore "buried": Python no longer owns them (`thisown`), and
`_sweep_graves` destroys each one only when nothing else refers to it and its id is idle.
"""
from __future__ import annotations

import collections
import concurrent.futures
import gc
import heapq
import itertools
import logging
import queue
import sys
import time

import pjsua2 as pj

from . import inbound, pjsip_endpoint as endpoint, sipmsg, tones
from .admission import Admission
from .pjsip_call import Account, Call, unanswered as not_yet_answered
from .origin import Origin
from .pjsip_guard import Guard
from .session import CallSession

log = logging.getLogger("sip_gateway")
IDLE_WAIT_S = 0.001
GRAVES_SWEEP_S = 0.2
STOP_GRACE_S = 2.0   # at stop, how long hang-ups may take to leave
# a leg hung up before any provisional answer can only be CANCELled once one arrives; at stop
# the gateway waits for it as long as the INVITE transaction itself may last (RFC 3261
# Timer B, 64 * T1), so that stopping never leaves a phone ringing
STOP_UNANSWERED_S = 32.0


class Adapter:
    def __init__(self, cfg, router, recorder, notifier, tts) -> None:
        self.cfg = cfg
        # ask(then, called, caller user, busy ids, asked, origin): then(store.Route) later
        self.router = router
        self.recorder = recorder
        self.notifier = notifier  # push.Notifier: every push of the gateway's calls
        self.tts = tts
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.timers: list = []
        self._seq = itertools.count()
        self.calls: dict[int, Call] = {}          # pjsua call id -> live Python object
        self.pending: dict[str, inbound.Pending] = {}  # Call-ID -> INVITE being routed
        self.sessions: dict[str, CallSession] = {}  # caller's Call-ID -> session
        self.by_live_id: dict[int, CallSession] = {}
        self.graves: list[Call] = []              # over calls not yet safe to destroy
        self.busy: dict[int, int] = {}             # user id -> calls held for them
        # Call-ID of a transfer leg this gateway dialled to itself (a colleague) -> who
        # transferred; the colleague's incoming call (same Call-ID) pushes "transferred by"
        self.transferred_by: collections.OrderedDict[str, dict] = collections.OrderedDict()
        self.ep = None
        self.guard = None
        self.acc = None
        self.running = True
        self.pool = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="gateway-work")
        self.contact_host = f"{cfg.host}:{cfg.port}"
        self.own_hosts = frozenset({cfg.host, self.contact_host})   # a REFER's to be ours
        self.tones = tones.ensure(cfg.tts_dir)   # name -> WAV path (ringback, hold)
        self.admission = Admission(cfg)

    # -- the loop ------------------------------------------------------------------------------
    def post(self, fn, *args) -> None:
        """From any thread: run `fn(*args)` on the pjsua thread."""
        self.inbox.put((fn, args))

    def start_timer(self, delay: float, fn, *args) -> list:
        """Run `fn(*args)` on the pjsua thread in `delay` seconds; the timer, for
        `cancel_timer`."""
        timer = [time.monotonic() + delay, next(self._seq), fn, args]
        heapq.heappush(self.timers, timer)
        return timer

    @staticmethod
    def cancel_timer(timer: list) -> None:
        """The timer will not run: it lets go of its function and arguments now (a call's
        session, with everything the call was made of, would otherwise live on in the heap
        until the timer's time, a ring timeout's 25 s)."""
        timer[2:] = [None, ()]

    def run(self, ready=None) -> None:
        self._init()
        self.start_timer(GRAVES_SWEEP_S, self._sweep_graves)
        if ready is not None:
            ready()
        try:
            while self.running:
                # poll without blocking: this SWIG build holds the GIL inside pjsua, so the
                # loop idles in the inbox wait instead (GIL released, woken by new work)
                busy = self.ep.libHandleEvents(0) > 0
                self._drain()
                if not busy:
                    try:
                        fn, args = self.inbox.get(timeout=IDLE_WAIT_S)
                    except queue.Empty:
                        continue
                    self._safe(fn, *args)
        finally:
            self._shutdown()

    def _drain(self) -> None:
        for _ in range(1000):
            try:
                fn, args = self.inbox.get_nowait()
            except queue.Empty:
                break
            self._safe(fn, *args)
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            _, _, fn, args = heapq.heappop(self.timers)
            if fn is not None:
                self._safe(fn, *args)

    @staticmethod
    def _safe(fn, *args) -> None:
        try:
            fn(*args)
        except Exception:
            log.exception("gateway task failed", extra={"event": "adapter_error"})

    def stop(self) -> None:
        self.post(setattr, self, "running", False)

    # -- pjsua2 lifecycle ------------------------------------------------------------------
    def _init(self) -> None:
        self.ep = endpoint.create(self.cfg)
        self.guard = Guard.start()  # SIP errors for what pjsip would drop silently
        self.ep.audDevManager().setNullDev()
        acfg = pj.AccountConfig()
        acfg.idUri = f"sip:gateway@{self.contact_host}"
        acfg.mediaConfig.transportConfig.port = self.cfg.rtp_port
        acfg.mediaConfig.transportConfig.portRange = 4 * self.cfg.max_calls
        acfg.mediaConfig.transportConfig.boundAddress = self.cfg.host
        self.acc = Account(self)
        self.acc.create(acfg)
        self._acfg, self._from_user = acfg, ("gateway", None)
        log.info("gateway listening", extra={"event": "gateway_ready",
                                              "address": self.contact_host})

    def _shutdown(self) -> None:
        unanswered = any(map(not_yet_answered, self.calls.values()))  # before the hang-ups
        inbound.abandon(self)
        for session in list(self.sessions.values()):
            session.abandon()
        self.sessions.clear()
        for call in list(self.calls.values()):
            call.session = None  # the sessions are over: what pjsua reports now is not news
        # let the hang-ups leave before pjsua goes down without network: a leg still waiting
        # for its first provisional answer can only be CANCELled once that comes
        limit = STOP_UNANSWERED_S if unanswered else STOP_GRACE_S
        lib, deadline = endpoint.pjlib(), time.monotonic() + limit
        while (self.calls or endpoint.calls_held(lib)) and time.monotonic() < deadline:
            self.ep.libHandleEvents(10)
        self.by_live_id.clear()
        self.calls.clear()
        self.graves.clear()  # not destroyed: the process ends, and ~Call could hit live ids
        self.acc = None
        gc.collect()
        self.ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
        self.ep = self.guard = None  # the guard's C callbacks live until pjsua is gone

    # -- callbacks ---------------------------------------------------------------------------
    def incoming(self, prm) -> None:
        call = Call(self, self.acc, prm.callId)
        self.calls[prm.callId] = call
        rdata = prm.rdata
        peer = sipmsg.host_of(rdata.srcAddress)
        trunk = self.cfg.trunk_for(peer)
        if trunk is None:
            log.warning("call from a peer not allowed", extra={"event": "peer_refused",
                                                              "peer": peer})
            return self._respond(call, 403)
        # held calls, routed or still waiting for their routing: before any work on the new
        # one, whose refusal costs the least now
        routing = len(self.pending)
        if self.admission.turned_away(call, len(self.sessions) + routing, routing, self.op):
            return
        msg = sipmsg.parse(rdata.wholeMsg)
        call.sip_id = msg.call_id
        if not msg.to_user or msg.call_id in self.sessions or msg.call_id in self.pending:
            return self._respond(call, 400 if not msg.to_user else 482)
        inbound.arrived(self, call, msg, Origin.of(trunk, msg.headers))

    def _respond(self, call: Call, status: int) -> None:
        call.answer(self.op(status))

    def call_state(self, call: Call, info) -> None:
        if info.callIdString and not call.sip_id:
            call.sip_id = info.callIdString
        state = info.state
        session = call.session
        if state == pj.PJSIP_INV_STATE_CONFIRMED:
            call.confirmed = True
            if session is not None:
                session.leg_event(call, "answered", 200)
        elif state == pj.PJSIP_INV_STATE_EARLY:
            if session is not None and call.leg is not None:
                session.leg_event(call, "progress", info.lastStatusCode)
        elif state == pj.PJSIP_INV_STATE_DISCONNECTED:
            # drop our reference here (pjsua reuses call ids), then tell the session
            if self.calls.get(info.id) is call:
                del self.calls[info.id]
            call.session = None
            self._bury(call)
            if session is None and call.leg is None:
                inbound.caller_gone(self, call)   # hung up while its call was routed
            if session is not None:
                session.links.forget(call)   # it hears nobody (and holds no reference here)
                session.leg_event(call, "gone", info.lastStatusCode)

    def _bury(self, call: Call) -> None:
        """The call is over: from now on only `_sweep_graves` destroys its C++ object."""
        if call.thisown:
            call.thisown = False
            self.graves.append(call)

    def _sweep_graves(self) -> None:
        """Destroy the over calls that nothing refers to any more and whose pjsua id no
        other call uses at this moment, not even one being hung up (then `~Call` neither
        hangs up nor unhooks anything).
        The rest wait for the next sweep."""
        graves, keep = self.graves, []
        self.graves = keep
        while graves:
            call = graves.pop()
            # 2: this name and getrefcount's own argument; a session still holding it adds more.
            # The id is idle when none of our calls holds it (a call being hung up is not
            # "active" to pjsua, yet its slot is taken) and pjsua has no active call on it.
            if sys.getrefcount(call) <= 2 and call.getId() not in self.calls \
                    and not call.isActive():
                call.thisown = True
                del call  # the C++ object goes now
            else:
                keep.append(call)
        self.start_timer(GRAVES_SWEEP_S, self._sweep_graves)

    # -- used by sessions ------------------------------------------------------------------
    def dial(self, session: CallSession, leg: int, uri: str, headers: list[tuple[str, str]],
             from_user: str | None, from_display: str | None = None):
        # From is the account's id URI: pjsua2 2.12 has no per-call From, so set the account's
        # (a config copy, about 8 microseconds) right before the INVITE is created
        self._set_from(from_user or "anonymous", from_display)
        call = Call(self, self.acc)
        call.session, call.leg = session, leg
        op = pj.CallOpParam(True)
        for name, value in headers:
            h = pj.SipHeader()
            h.hName, h.hValue = name, value
            op.txOption.headers.append(h)
        call.makeCall(uri, op)
        self.calls[call.getId()] = call
        call.sip_id = call.getInfo().callIdString
        return call

    def _set_from(self, user: str, display: str | None = None) -> None:
        """`display` is already safe to quote (`sipmsg.safe_display`); a name pjsip will not
        take costs the name, never the call."""
        key = (user, display)
        if key == self._from_user:
            return
        uri = f"sip:{user}@{self.contact_host}"
        self._acfg.idUri = f'"{display}" <{uri}>' if display else uri
        try:
            self.acc.modify(self._acfg)
        except pj.Error:
            if not display:
                raise
            log.warning("display name refused", extra={"event": "display_name_refused"})
            return self._set_from(user, None)
        self._from_user = key

    def op(self, status: int = 0, headers=()):
        op = pj.CallOpParam(True)
        if status:
            op.statusCode = status
        for name, value in headers:
            h = pj.SipHeader()
            h.hName, h.hValue = name, value
            op.txOption.headers.append(h)
        return op

    def respond(self, call: Call, status: int) -> None:
        if self.alive(call):
            call.answer(self.op(status))

    def route(self, then, called: str, caller: str, busy: set[int],
              asked: str | None = None, origin: Origin | None = None) -> None:
        """Ask the router (`RoutingProcess.ask`); `then(route)` runs on the pjsua thread, a
        Route 503 when routing failed."""
        def done(result) -> None:
            if isinstance(result, Exception):
                log.error("routing failed: %s", result, extra={"event": "route_error"})
                from .store import Route
                result = Route(status=503)
            self.post(then, result)

        self.router.ask(done, called, caller, busy, asked, origin)

    def render(self, session: CallSession, text: str, language: str, answer: bool) -> None:
        def done(fut) -> None:
            try:
                path = fut.result()
            except Exception:
                log.exception("announcement not rendered", extra={"event": "tts_error"})
                path = None
            self.post(session.play_ready, path, answer)

        self.pool.submit(self.tts, text, language).add_done_callback(done)

    def alive(self, call: Call | None) -> bool:
        """The call is still ours (pjsua reuses ids; compare the SIP Call-ID)."""
        if call is None or self.calls.get(call.getId()) is not call:
            return False
        try:
            return call.getInfo().callIdString == call.sip_id or not call.sip_id
        except pj.Error:
            return False
