"""A call's timers let go of its session as soon as they cannot fire any more: when call
control cancels one, starts it again, or the call ends. A ring timeout kept in the gateway's
timer heap for its 25 s used to keep the whole ended call (session, legs, route, plan)
alive that long: at 150 calls a second some 4,000 ended calls, which the garbage
collector's full collections then walked, stalling the call thread."""
from __future__ import annotations

import gc
import queue
import types
import weakref

import pytest

pytest.importorskip("pjsua2")

from sip_gateway import sipmsg  # noqa: E402
from sip_gateway.core import callcontrol as cc  # noqa: E402
from sip_gateway.core.callmessages import CancelTimer, StartTimer, TimerFired  # noqa: E402
from sip_gateway.pjsip_adapter import Adapter  # noqa: E402
from sip_gateway.session import CallSession  # noqa: E402


class _Caller:
    leg = None
    media_on = False


@pytest.fixture
def gw():
    adapter = Adapter.__new__(Adapter)  # its timers and call tables only, no pjsua
    adapter.timers, adapter.inbox = [], queue.SimpleQueue()
    adapter._seq = iter(range(10**9))
    adapter.sessions, adapter.by_live_id, adapter.busy = {}, {}, {}
    adapter.recorder = types.SimpleNamespace(submit=lambda fn, *a, then=None: None)
    return adapter


def _session(gw) -> CallSession:
    msg = sipmsg.parse("INVITE sip:21000003@gw SIP/2.0\r\nCall-ID: t1\r\n"
                       "From: <sip:+4791234567@trunk>;tag=1\r\nTo: <sip:21000003@gw>\r\n\r\n")
    return CallSession(gw, _Caller(), msg, cc.CallControl())


def _fired(session) -> list:
    fed = []
    session.feed = fed.append
    return fed


def _holds(gw, session) -> bool:
    return any(getattr(fn, "__self__", None) is session for _, _, fn, _ in gw.timers)


def test_a_cancelled_timer_neither_runs_nor_keeps_what_it_was_given(gw):
    ran = []

    class Thing:
        pass

    thing = Thing()
    gone = weakref.ref(thing)
    timer = gw.start_timer(0, ran.append, thing)
    gw.cancel_timer(timer)
    del thing
    assert gone() is None
    gw._drain()
    assert ran == [] and gw.timers == []


def test_a_timer_still_fires_for_its_session_when_its_time_comes(gw):
    session = _session(gw)
    fed = _fired(session)
    session._start_timer(StartTimer("no_answer:1", 0))
    gw._drain()
    assert fed == [TimerFired("no_answer:1")]
    assert "no_answer:1" not in session.timers


def test_a_cancelled_timer_lets_go_of_its_session_and_does_not_fire(gw):
    session = _session(gw)
    fed = _fired(session)
    session._start_timer(StartTimer("no_answer:1", 0))
    session._cancel_timer(CancelTimer("no_answer:1"))
    assert not _holds(gw, session)
    gw._drain()
    assert fed == []


def test_a_timer_started_again_fires_once_and_the_first_lets_go(gw):
    session = _session(gw)
    fed = _fired(session)
    session._start_timer(StartTimer("announce", 0))
    session._start_timer(StartTimer("announce", 0))
    assert sum(fn is not None for _, _, fn, _ in gw.timers) == 1
    gw._drain()
    assert fed == [TimerFired("announce")]


def test_an_ended_call_is_not_kept_alive_by_its_ring_timeouts(gw):
    session = _session(gw)
    session._start_timer(StartTimer("no_answer:1", 25))
    session._start_timer(StartTimer("dial:2", 10))
    gone = weakref.ref(session)
    session._finish()
    del session
    gc.collect()
    assert gone() is None
    assert len(gw.timers) == 2   # (their places in the heap stay until their time, empty)
