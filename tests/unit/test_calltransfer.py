"""Call control handing a bridged call to transfer control and taking it back."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from sip_gateway.core import callcontrol as cc
from sip_gateway.core.callmessages import (Bridge, CallerHungUp, CallPlan, CancelLeg,
                                      CommandDone, Dial, HangupCaller, HangupCommand,
                                      LegAnswered, LegFailed, LegHungUp, LegProgress, LogCall,
                                      Push, RingStep, Routed, Target, TimerFired, WriteState)
from sip_gateway.core.transfercontrol import (CancelTransfer, CompleteTransfer, Settled,
                                         StartTransfer, TransferState)

SOFT = Target("softphone", "sip:soft@10.0.0.1")
VOICEMAIL = Target("voicemail", "sip:vm@10.0.0.9", diverted_from="+4721000001")
STEPS = (RingStep((SOFT,), 25), RingStep((VOICEMAIL,), 120, devices=False))
ANNA = Target("forward", "sip:+4722000002@gateway")


def bridged() -> cc.CallControl:
    call = cc.CallControl()
    call.handle(Routed(CallPlan(STEPS)))
    call.handle(LegAnswered(1))
    assert call.state == cc.State.BRIDGED
    return call


def start(call, method="with_return", command=5):
    return call.handle(StartTransfer(command, 9, method, ANNA, 20, back=STEPS))


def test_a_transfer_dials_the_target_as_the_next_leg_and_an_answer_bridges_it():
    call = bridged()
    actions = start(call)
    assert Dial(2, ANNA) in actions and CancelLeg(1) in actions
    assert call.state == cc.State.TRANSFERRING
    actions = call.handle(LegAnswered(2))
    assert Bridge(2) in actions and WriteState("answered", 2) in actions
    assert call.state == cc.State.BRIDGED and call.winner == 2
    end = call.handle(CallerHungUp())  # the caller and the target talk until one hangs up
    assert CancelLeg(2) in end and call.state == cc.State.ENDED and LogCall("answered") in end


def test_a_transfer_that_comes_back_rings_the_users_devices_again_then_voicemail():
    call = bridged()
    start(call)
    actions = call.handle(TimerFired("transfer:9"))
    assert Push("transfer_returned", "no_answer") in actions
    assert Push("incoming") in actions and Dial(3, SOFT) in actions  # the phones ring again
    assert call.state == cc.State.RINGING
    actions = call.handle(TimerFired("no_answer:2"))  # the user does not answer either
    assert Dial(4, VOICEMAIL, "no-answer") in actions and Push("missed") in actions


def test_the_returned_call_answered_by_the_user_is_bridged_to_them_again():
    call = bridged()
    start(call)
    call.handle(LegFailed(2, 486))
    actions = call.handle(LegAnswered(3))
    assert Bridge(3) in actions and call.state == cc.State.BRIDGED


def test_attended_cancel_goes_back_to_the_user_and_a_second_transfer_can_follow():
    call = bridged()
    start(call, "attended")
    call.handle(LegAnswered(2))
    actions = call.handle(CancelTransfer(6))
    assert Bridge(1) in actions and CommandDone(6, "done") in actions
    assert call.state == cc.State.BRIDGED and call.winner == 1
    again = start(call, "blind", command=7)
    assert Dial(3, ANNA) in again and call.state == cc.State.TRANSFERRING


def test_attended_complete_hands_the_caller_to_the_target():
    call = bridged()
    start(call, "attended")
    call.handle(LegAnswered(2))
    actions = call.handle(CompleteTransfer(6))
    assert Bridge(2) in actions and CancelLeg(1) in actions and call.winner == 2
    assert call.handle(LegHungUp(1)) == []  # the user's leg is gone: its BYE is noise


def test_commands_with_no_transfer_to_act_on_are_refused_without_ending_the_call():
    call = bridged()
    assert call.handle(CompleteTransfer(6)) == [
        CommandDone(6, "refused: no transfer possible now")]
    assert call.state == cc.State.BRIDGED
    ringing = cc.CallControl()
    ringing.handle(Routed(CallPlan(STEPS)))
    assert start(ringing) == [CommandDone(5, "refused: no transfer possible now")]
    assert ringing.state == cc.State.RINGING


def test_hanging_up_from_the_app_during_a_transfer_ends_call_and_transfer():
    call = bridged()
    start(call)
    actions = call.handle(HangupCommand(8))
    assert TransferState(9, "failed", "hung_up") in actions
    assert CancelLeg(2) in actions and HangupCaller() in actions and call.state == cc.State.ENDED


def test_blind_to_a_target_that_fails_hangs_up_the_caller():
    call = bridged()
    start(call, "blind")
    actions = call.handle(LegFailed(2, 404))
    assert Settled("failed", None, "not_found") in actions and HangupCaller() in actions
    assert call.state == cc.State.ENDED


LEG = st.integers(1, 5)
EVENTS = st.one_of(
    st.builds(LegProgress, LEG), st.builds(LegAnswered, LEG),
    st.builds(LegFailed, LEG, st.sampled_from([480, 486])), st.builds(LegHungUp, LEG),
    st.just(CallerHungUp()),
    st.builds(TimerFired, st.sampled_from(["transfer:9", "no_answer:1", "no_answer:2",
                                           "no_answer:3"])),
    st.builds(StartTransfer, st.integers(10, 19), st.just(9),
              st.sampled_from(["with_return", "blind", "attended"]), st.just(ANNA),
              st.just(20), st.just(STEPS)),
    st.builds(CompleteTransfer, st.integers(20, 29)),
    st.builds(CancelTransfer, st.integers(30, 39)), st.builds(HangupCommand, st.just(40)))


@settings(max_examples=400, deadline=None)
@given(events=st.lists(EVENTS, max_size=25))
def test_any_sequence_around_transfers_ends_cleanly_and_answers_every_command_once(events):
    call = bridged()
    everything = []
    for ev in events:
        before = call.state
        out = call.handle(ev)
        if before == cc.State.ENDED:
            assert out == []
        elif hasattr(ev, "command_id"):  # every command to a live call gets one answer
            assert [a.command_id for a in out if isinstance(a, CommandDone)] == [ev.command_id]
        everything += out
        assert call.state in cc.State
    if call.state == cc.State.ENDED:
        assert not call.timers
        assert all(leg.status in ("gone", "waiting") for leg in call.legs.values())
        assert sum(isinstance(a, LogCall) for a in everything) == 1
    settles = [a for a in everything if isinstance(a, Settled)]
    finals = [a for a in everything if isinstance(a, TransferState)
              and a.state not in ("ringing", "consulting")]
    assert len(finals) >= len(settles)  # every transfer that settled recorded its end
