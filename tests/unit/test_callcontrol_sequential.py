"""Call control rings one phone after another: each for its turn, the next as it stops."""
from __future__ import annotations

from sip_gateway.core import callcontrol as cc
from sip_gateway.core.callmessages import (AnswerCaller, Bridge, CallPlan, CancelLeg, CancelTimer,
                                      Dial, LegAnswered, LegFailed, Push, RingStep, Routed,
                                      StartTimer, Target, TimerFired)

DESK = Target("deskphone", "sip:desk@10.0.0.2", delay=0, ring_for=10)
SOFT = Target("softphone", "sip:soft@10.0.0.1", delay=10, ring_for=10)
MOBILE = Target("mobile", "sip:+4790000001@trunk", delay=20)
VOICEMAIL = Target("voicemail", "sip:vm@10.0.0.9", diverted_from="+4721000001")
IN_TURN = CallPlan((RingStep((DESK, SOFT, MOBILE), 40),
                    RingStep((VOICEMAIL,), 120, devices=False)))


def routed():
    call = cc.CallControl()
    return call, call.handle(Routed(IN_TURN))


def test_only_the_first_phone_rings_at_first_and_its_turn_is_a_timer():
    _, actions = routed()
    assert [a.target for a in actions if isinstance(a, Dial)] == [DESK]
    assert StartTimer("stop:1", 10) in actions
    assert StartTimer("dial:2", 10) in actions and StartTimer("dial:3", 20) in actions


def test_when_a_turn_is_over_that_phone_stops_and_the_next_one_rings():
    call, _ = routed()
    stopped = call.handle(TimerFired("stop:1"))
    assert stopped == [CancelLeg(1)]
    assert call.state == cc.State.RINGING  # the caller keeps hearing ringing
    assert call.handle(TimerFired("dial:2")) == [Dial(2, SOFT), StartTimer("stop:2", 10)]


def test_the_last_phone_rings_until_the_step_ends_then_voicemail():
    call, _ = routed()
    for timer in ("stop:1", "dial:2", "stop:2"):
        call.handle(TimerFired(timer))
    last = call.handle(TimerFired("dial:3"))
    assert last == [Dial(3, MOBILE)]  # no turn of its own
    over = call.handle(TimerFired("no_answer:1"))
    assert CancelLeg(3) in over and Dial(4, VOICEMAIL, "no-answer") in over and Push("missed") in over


def test_a_phone_answering_in_its_turn_wins_and_no_later_turn_rings():
    call, _ = routed()
    call.handle(TimerFired("stop:1"))
    call.handle(TimerFired("dial:2"))
    actions = call.handle(LegAnswered(2))
    assert actions[-3:-1] == [AnswerCaller(), Bridge(2)]
    assert CancelTimer("dial:3") in actions and CancelTimer("stop:2") in actions
    assert call.handle(TimerFired("dial:3")) == []


def test_a_busy_phone_passes_the_turn_to_the_next_at_once():
    call, _ = routed()
    actions = call.handle(LegFailed(1, 486))
    assert CancelTimer("dial:2") in actions
    assert Dial(2, SOFT) in actions and StartTimer("stop:2", 10) in actions
    assert call.state == cc.State.RINGING and not any(isinstance(a, Dial) and a.leg == 3
                                                for a in actions)


def test_a_phone_that_gives_up_has_its_turn_timer_cancelled_and_a_late_one_changes_nothing():
    call, _ = routed()
    assert CancelTimer("stop:1") in call.handle(LegFailed(1, 486))
    assert call.handle(TimerFired("stop:1")) == []
