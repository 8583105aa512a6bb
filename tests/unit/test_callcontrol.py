"""Call control without SIP: the transition table, the flows, and Hypothesis walking it."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from sip_gateway.core import callcontrol as cc
from sip_gateway.core.callmessages import (Announce, AnswerCaller, Bridge, CallerHungUp, CallPlan,
                                      CancelLeg, CancelTimer, CommandDone, Dial, Failed,
                                      HangupCaller, HangupCommand, LegAnswered, LegFailed,
                                      LegHungUp, LegProgress, LogCall, Play, PlaybackDone,
                                      PlayMessage, Push, Reject, RejectCaller,
                                      RingStep, RouteFailed, Routed, StartTimer, Target,
                                      TimerFired, WriteState)

SOFT = Target("softphone", "sip:soft@10.0.0.1")
DESK = Target("deskphone", "sip:desk@10.0.0.2")
MOBILE_LATER = Target("mobile", "sip:+4790000001@trunk", delay=10)
VOICEMAIL = Target("voicemail", "sip:vm@10.0.0.9", diverted_from="+4721000001")
ONE_NUMBER = CallPlan((RingStep((SOFT, DESK, MOBILE_LATER), 25),
                       RingStep((VOICEMAIL,), 120, devices=False)))


def routed(plan=ONE_NUMBER) -> tuple[cc.CallControl, list]:
    call = cc.CallControl()
    return call, call.handle(Routed(plan))


def kinds(actions) -> list[str]:
    return [type(a).__name__ for a in actions]


def test_the_push_goes_out_before_the_first_phone_is_dialled_and_the_caller_hears_ringing():
    _, actions = routed()
    assert kinds(actions)[:4] == ["WriteState", "Push", "RingCaller", "Dial"]
    assert actions[1] == Push("incoming")
    assert [a.target for a in actions if isinstance(a, Dial)] == [SOFT, DESK]
    assert StartTimer("dial:3", 10) in actions and StartTimer("no_answer:1", 25) in actions


def test_first_phone_to_answer_wins_the_others_are_cancelled_and_the_caller_is_bridged():
    call, _ = routed()
    actions = call.handle(LegAnswered(2))
    # the other phone's CANCEL says the call was answered elsewhere: it logs no missed call
    assert CancelLeg(1, elsewhere=True) in actions and CancelLeg(2) not in actions
    assert actions[-3:] == [AnswerCaller(), Bridge(2), WriteState("answered", 2)]
    assert Push("ended", "answered") in actions
    assert CancelTimer("dial:3") in actions  # the mobile will not ring any more
    assert call.state == cc.State.BRIDGED


def test_the_mobile_is_dialled_when_its_delay_is_over():
    call, _ = routed()
    assert call.handle(TimerFired("dial:3")) == [Dial(3, MOBILE_LATER)]


def test_no_answer_moves_on_to_voicemail_with_the_diversion():
    call, _ = routed()
    actions = call.handle(TimerFired("no_answer:1"))
    assert {CancelLeg(1), CancelLeg(2)} <= set(actions)
    assert Dial(4, VOICEMAIL, "no-answer") in actions
    assert Push("ended", "ended") in actions and Push("incoming") not in actions


def test_a_phone_that_said_busy_makes_the_diversion_user_busy():
    call, _ = routed()
    call.handle(LegFailed(1, 486))
    actions = call.handle(TimerFired("no_answer:1"))
    assert Dial(4, VOICEMAIL, "user-busy") in actions


def test_a_plan_straight_to_voicemail_diverts_unconditionally_or_user_busy_by_its_rule():
    for busy, reason in ((False, "unconditional"), (True, "user-busy")):
        call = cc.CallControl()
        actions = call.handle(Routed(CallPlan((RingStep((VOICEMAIL,), 120, devices=False),),
                                              push=False, busy=busy)))
        assert Dial(1, VOICEMAIL, reason) in actions


def test_every_phone_busy_moves_on_at_once():
    plan = CallPlan((RingStep((SOFT,), 25), RingStep((VOICEMAIL,), 120, devices=False)))
    call, _ = routed(plan)
    actions = call.handle(LegFailed(1, 486))
    assert Dial(2, VOICEMAIL, "user-busy") in actions


def test_a_cancelled_phone_that_answers_late_is_hung_up_and_changes_nothing():
    call, _ = routed()
    call.handle(LegAnswered(2))
    assert call.handle(LegAnswered(1)) == [CancelLeg(1)]
    assert call.handle(LegFailed(1, 487)) == []
    assert call.state == cc.State.BRIDGED


def test_caller_hanging_up_while_it_rings_is_a_missed_call():
    call, _ = routed()
    actions = call.handle(CallerHungUp())
    assert {CancelLeg(1), CancelLeg(2)} <= set(actions)
    assert Push("missed") in actions and LogCall("missed") in actions
    assert call.state == cc.State.ENDED


def test_the_bridged_phone_hanging_up_ends_the_call_answered():
    call, _ = routed()
    call.handle(LegAnswered(1))
    actions = call.handle(LegHungUp(1))
    assert actions[0] == HangupCaller() and LogCall("answered") in actions


def test_announcement_plays_before_ringing():
    plan = CallPlan((Announce("In a meeting until 13:00", "en"), RingStep((SOFT,), 25)))
    call, actions = routed(plan)
    assert actions[-1] == Play("In a meeting until 13:00", "en", answer=False)
    assert not any(isinstance(a, Dial) for a in actions)
    assert Dial(1, SOFT) in call.handle(PlaybackDone())


def test_audio_message_answers_plays_and_hangs_up():
    call, actions = routed(CallPlan((PlayMessage("Closed", "en"),), push=False))
    assert actions[-1] == Play("Closed", "en", answer=True)
    assert call.handle(PlaybackDone())[0] == HangupCaller()


def test_busy_tone_rejects_with_486_and_logs_busy():
    call, actions = routed(CallPlan((Reject(486),), push=False))
    assert RejectCaller(486) in actions and LogCall("busy") in actions


def test_unknown_number_is_refused_without_a_log_entry():
    call = cc.CallControl()
    actions = call.handle(RouteFailed(404))
    assert actions == [RejectCaller(404), WriteState("ended")]


def test_hang_up_command_ends_an_answered_call_and_reports_done():
    call, _ = routed()
    call.handle(LegAnswered(1))
    actions = call.handle(HangupCommand(7))
    assert CancelLeg(1) in actions and HangupCaller() in actions
    assert CommandDone(7, "done") in actions and call.state == cc.State.ENDED


def test_an_input_the_state_does_not_accept_ends_the_call_cleanly():
    call, _ = routed()
    actions = call.handle(PlaybackDone())  # nothing is playing while it rings
    assert isinstance(actions[0], Failed)
    assert {CancelLeg(1), CancelLeg(2), RejectCaller(500), LogCall("failed")} <= set(actions)
    assert call.state == cc.State.ENDED and call.handle(CallerHungUp()) == []


@pytest.mark.parametrize("state", cc.State)
def test_every_state_has_a_way_out_when_the_caller_hangs_up(state):
    assert state == cc.State.ENDED or (state, CallerHungUp) in cc.TABLE


# -- Hypothesis: any sequence of inputs ----------------------------------------------------

PLANS = st.sampled_from([
    ONE_NUMBER,
    CallPlan((Announce("Away", "en"), RingStep((SOFT,), 5), RingStep((VOICEMAIL,), 120,
                                                                     devices=False))),
    CallPlan((RingStep((Target("deskphone", "sip:desk@x", 0, ring_for=5),
                        Target("softphone", "sip:soft@x", 5, ring_for=5),
                        Target("mobile", "sip:+4790000001@trunk", 10)), 25),
              RingStep((VOICEMAIL,), 120, devices=False))),
    CallPlan((PlayMessage("Closed", "en"),), push=False),
    CallPlan((Reject(486),), push=False),
    CallPlan(()),
])
LEG = st.integers(1, 5)
EVENTS = st.one_of(
    st.builds(LegProgress, LEG), st.builds(LegAnswered, LEG),
    st.builds(LegFailed, LEG, st.sampled_from([404, 480, 486, 487, 503])),
    st.builds(LegHungUp, LEG), st.just(CallerHungUp()), st.just(PlaybackDone()),
    st.builds(TimerFired, st.sampled_from(["dial:2", "dial:3", "stop:1", "stop:2",
                                           "no_answer:1", "no_answer:2", "no_answer:3",
                                           "bogus"])),
    st.builds(HangupCommand, st.integers(1, 3)), st.builds(RouteFailed, st.just(404)))


@settings(max_examples=400, deadline=None)
@given(plan=PLANS, events=st.lists(EVENTS, max_size=25))
def test_any_sequence_of_inputs_keeps_the_call_consistent(plan, events):
    call = cc.CallControl()
    everything = call.handle(Routed(plan))
    for event in events:
        before = call.state
        out = call.handle(event)
        if before == cc.State.ENDED:
            assert out == []
        everything += out
    dials = [a for a in everything if isinstance(a, Dial)]
    pushes = [i for i, a in enumerate(everything) if a == Push("incoming")]
    first_dial = next((i for i, a in enumerate(everything) if isinstance(a, Dial)
                       and a.target.kind != "voicemail"), None)
    if first_dial is not None and plan.push:
        assert pushes and pushes[0] < first_dial          # push before ring
    assert len({d.leg for d in dials}) == len(dials)      # a leg is dialled once
    assert sum(isinstance(a, AnswerCaller) for a in everything) <= 1
    bridges = [a.leg for a in everything if isinstance(a, Bridge)]
    assert len(bridges) <= 1
    assert sum(isinstance(a, LogCall) for a in everything) <= 1
    finals = [a for a in everything if isinstance(a, (RejectCaller, HangupCaller))]
    if call.state == cc.State.ENDED:
        assert everything[-1] in (WriteState("ended"),) or isinstance(everything[-1], LogCall)
        assert finals or any(isinstance(e, CallerHungUp) for e in events)
        assert not call.timers
        assert all(leg.status in ("gone", "waiting") for leg in call.legs.values())
        failed = {e.leg for e in events if isinstance(e, (LegFailed, LegHungUp))}
        cancelled = {a.leg for a in everything if isinstance(a, CancelLeg)}
        assert {d.leg for d in dials} <= failed | cancelled  # no leg is left ringing
