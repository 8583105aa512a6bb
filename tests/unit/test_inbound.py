"""An incoming INVITE is routed before its session exists: it waits as a pending INVITE, the
routing answer decides the one machine the call runs (a queue's control for a call to a
queue, call control for anything else), and a caller who hangs up meanwhile is forgotten."""
from __future__ import annotations

from sip_gateway import inbound, sipmsg
from sip_gateway.core import callcontrol, queuecontrol
from sip_gateway.core.callmessages import CallPlan, RingStep, Target
from sip_gateway.core.queuemessages import QueueStep
from sip_gateway.store import Route

QUEUE = Route(plan=CallPlan((QueueStep(7, 1, "Support", max_wait_s=60),), push=False),
              direction="queue", tenant_id=1, caller="+4791234567")
USER = Route(plan=CallPlan((RingStep((Target("softphone", "sip:alice@10.0.0.2"),), 25),)),
             tenant_id=1, caller="+4791234567")


class _Caller:
    leg = None            # the caller's own leg
    media_on = False

    def __init__(self, sip_id: str) -> None:
        self.sip_id = sip_id
        self.session = None
        self.answers: list[int] = []
        self.hung_up = False

    def hangup(self, _op) -> None:
        self.hung_up = True


class _Recorder:
    def __init__(self) -> None:
        self.jobs: list = []

    def submit(self, fn, *args, then=None) -> None:
        self.jobs.append(fn)


class _Gateway:
    """What the inbound path uses of the adapter; routing answers when the test says so."""

    def __init__(self) -> None:
        self.pending, self.sessions, self.by_live_id = {}, {}, {}
        self.busy: dict[int, int] = {}
        self.transferred_by: dict = {}
        self.recorder = _Recorder()
        self.asked: list = []

    def route(self, then, called, caller, busy, asked, origin) -> None:
        self.asked.append((called, caller))
        self.then = then

    def alive(self, call) -> bool:
        return call is not None

    def respond(self, call, status: int) -> None:
        call.answers.append(status)

    def op(self, status: int = 0, headers=()):
        return status


def _invite(gw: _Gateway, call_id: str = "a1") -> _Caller:
    msg = sipmsg.parse(f"INVITE sip:21000003@gw SIP/2.0\r\nCall-ID: {call_id}\r\n"
                       "From: <sip:+4791234567@trunk>;tag=1\r\nTo: <sip:21000003@gw>\r\n\r\n")
    caller = _Caller(msg.call_id)
    inbound.arrived(gw, caller, msg, None)
    return caller


def test_a_call_to_a_queue_runs_queue_control_and_every_other_call_runs_call_control():
    assert isinstance(inbound.machine_for(QUEUE, None), queuecontrol.QueueControl)
    assert isinstance(inbound.machine_for(USER, None), callcontrol.CallControl)
    assert isinstance(inbound.machine_for(Route(status=404), None), callcontrol.CallControl)
    # a queue call turned away (a transfer with return that would not ring) is refused by
    # call control, which knows how to refuse a call
    assert isinstance(inbound.machine_for(QUEUE, 480), callcontrol.CallControl)


def test_the_session_is_built_when_the_routing_answer_comes_with_the_machine_it_decided():
    gw = _Gateway()
    caller = _invite(gw)
    assert gw.asked == [("21000003", "+4791234567")]
    pending = gw.pending["a1"]
    assert gw.sessions == {} and caller.session is None

    gw.then(QUEUE)

    session = gw.sessions["a1"]
    assert caller.session is session and gw.pending == {}
    assert isinstance(session.cc, queuecontrol.QueueControl)
    assert session.cc.state is queuecontrol.State.ENTERING   # it was fed the route
    assert caller.answers == [180]                           # ringing while it enters
    # "INVITE to push" and the call log's start count from the INVITE, not from the answer
    assert (session.invite_at, session.started_at) == (pending.invite_at, pending.started_at)


def test_an_unknown_number_is_refused_with_the_routing_status_and_leaves_no_session():
    gw = _Gateway()
    caller = _invite(gw)
    gw.then(Route(status=404))
    assert caller.answers == [404] and gw.sessions == {} and gw.pending == {}


def test_a_caller_who_hangs_up_while_routed_is_forgotten_and_the_late_answer_builds_nothing():
    gw = _Gateway()
    caller = _invite(gw)
    assert inbound.caller_gone(gw, caller)
    gw.then(USER)
    assert gw.sessions == {} and gw.pending == {} and caller.answers == []


def test_a_stopping_gateway_hangs_up_the_invites_still_being_routed():
    gw = _Gateway()
    caller = _invite(gw)
    inbound.abandon(gw)
    assert caller.hung_up and gw.pending == {}
    gw.then(USER)
    assert gw.sessions == {}
