"""Queue call control without SIP: the flows, the transition table, Hypothesis walking it."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from sip_gateway.queuerouting import queue_words
from sip_gateway.core import queuecontrol as qc, queuetable as qt
from sip_gateway.core.callmessages import (AnswerCaller, Bridge, CallerHungUp, CallPlan, CancelLeg,
                                      CancelTimer, Dial, Failed, HangupCaller, LegAnswered,
                                      LegFailed, LegHungUp, LegProgress, Play, PlaybackDone,
                                      PlayMessage, RejectCaller, RingCaller, Routed, StartTimer,
                                      StopPlay, Target, TimerFired)
from sip_gateway.core.callmessages import CommandDone, HangupCommand, Push
from sip_gateway.core.transfercontrol import (CancelTransfer, CompleteTransfer, Connect, HoldCaller,
                                         Settled, StartTransfer, TransferState)
from sip_gateway.core.queuemessages import (RETRY_S, AskNext, Decided, Digit, Enqueue, Entered,
                                       MemberBusy, MemberTargets, Nudge, PushMember, QueueStep,
                                       QueueWrite, StartLoop, StopLoop)

VOICEMAIL = Target("voicemail", "sip:vm@10.0.0.9", diverted_from="+4721000100")
SUPPORT = QueueStep(7, 1, "Support", max_wait_s=60, announce_position=True, overflow=VOICEMAIL)
HANG_UP = QueueStep(7, 1, "Support", max_wait_s=60)
ANNA = MemberTargets(11, (Target("softphone", "sip:anna@10.0.0.1"),
                          Target("mobile", "sip:+4790000011@trunk")))
BO = MemberTargets(12, (Target("deskphone", "sip:bo@10.0.0.2"),))
NO_DEVICE = MemberTargets(13, ())


def kinds(actions) -> list[str]:
    return [type(a).__name__ for a in actions]


def entered(step=SUPPORT, position=2):
    call = qc.QueueControl()
    out = call.handle(Routed(CallPlan((step,), push=False)))
    out += call.handle(Entered(40, True, position))
    return call, out


def ringing(*members, ring_for=20):
    call, _ = entered()
    return call, call.handle(Decided(1, members, ring_for))


def test_the_caller_rings_while_the_queue_is_asked_then_is_answered_greeted_and_distributed():
    call = qc.QueueControl()
    assert call.handle(Routed(CallPlan((SUPPORT,), push=False))) == [RingCaller(), Enqueue()]
    out = call.handle(Entered(40, True, 2))
    assert out == [AnswerCaller(), StartTimer("max_wait", 60),
                   Play("You have reached Support. You are number 2 in the queue. Please hold.",
                        "en", answer=True), AskNext(40, 1)]
    assert call.state == qt.State.ANNOUNCING


def test_the_position_is_announced_only_when_the_queue_says_so():
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((HANG_UP,), push=False)))
    play = next(a for a in call.handle(Entered(40, True, 3)) if isinstance(a, Play))
    assert play.text == "You have reached Support. Please hold."


def test_a_queue_greeting_is_spoken_as_written_in_its_language_instead():
    call = qc.QueueControl()
    step = QueueStep(7, 1, "Support", max_wait_s=60, announce_position=True,
                     greeting="Velkommen til Support.", language="nb")
    call.handle(Routed(CallPlan((step,), push=False)))
    play = next(a for a in call.handle(Entered(40, True, 3)) if isinstance(a, Play))
    assert (play.text, play.language) == ("Velkommen til Support.", "nb")


CALLBACK = QueueStep(7, 1, "Support", max_wait_s=60, offer_callback=True, overflow=VOICEMAIL)


def test_the_message_offers_a_callback_only_when_the_queue_does():
    call, out = entered(CALLBACK)
    play = next(a for a in out if isinstance(a, Play))
    assert play.text == "You have reached Support. Please hold, or press 1 to be called back."
    call, out = entered(HANG_UP)
    assert "press 1" not in next(a for a in out if isinstance(a, Play)).text


def test_a_caller_who_presses_1_is_put_on_the_callback_list_hears_it_confirmed_and_is_hung_up():
    call, _ = entered(CALLBACK)
    call.handle(PlaybackDone())
    call.handle(Decided(1, (BO,), 20))
    out = call.handle(Digit("1"))
    assert out == [CancelTimer("max_wait"), CancelTimer("ring:1"), CancelLeg(1),
                   PushMember(12, "ended", "ended"), StopLoop(), QueueWrite("callback", 40),
                   Play("Thank you. We will call you back. Goodbye.", "en", answer=True)]
    assert call.state == qt.State.CONFIRMING
    assert call.handle(Nudge()) == [] and call.handle(Digit("1")) == []
    assert call.handle(PlaybackDone()) == [HangupCaller()] and call.state == qt.State.ENDED


def test_the_confirmation_is_in_the_queue_greetings_language():
    step = QueueStep(7, 1, "Support", max_wait_s=60, offer_callback=True, greeting="Hei.",
                     language="nb", words=queue_words("nb"))
    call, _ = entered(step)
    assert call.handle(Digit("1"))[-1] == Play("Takk. Vi ringer deg tilbake. Ha det.", "nb",
                                               answer=True)


def test_other_keys_and_queues_without_callbacks_change_nothing():
    call, _ = entered(CALLBACK)
    assert call.handle(Digit("5")) == [] and call.state == qt.State.ANNOUNCING
    call, _ = entered(HANG_UP)
    assert call.handle(Digit("1")) == [] and call.state == qt.State.ANNOUNCING
    call, _ = ringing(BO)
    call.handle(LegAnswered(1))
    assert call.handle(Digit("1")) == [] and call.state == qt.State.BRIDGED   # talking: ignored


def test_music_loops_after_the_message():
    call, _ = entered()
    assert call.handle(PlaybackDone()) == [StartLoop("hold")]
    assert call.state == qt.State.WAITING


def test_the_chosen_members_devices_ring_after_their_via_queue_push():
    _, out = ringing(ANNA, BO)
    assert out == [PushMember(11, "incoming", ring_for_s=20), Dial(1, ANNA.targets[0]),
                   Dial(2, ANNA.targets[1]), PushMember(12, "incoming", ring_for_s=20),
                   Dial(3, BO.targets[0]), StartTimer("ring:1", 20)]


def test_first_device_to_answer_is_bridged_the_rest_cancelled_and_the_music_stops():
    call, _ = ringing(ANNA, BO)
    call.handle(PlaybackDone())
    out = call.handle(LegAnswered(3))
    assert {CancelLeg(1, elsewhere=True), CancelLeg(2, elsewhere=True)} <= set(out)
    assert CancelLeg(3) not in out and CancelLeg(3, elsewhere=True) not in out
    assert PushMember(11, "ended", "answered_elsewhere") in out
    assert PushMember(12, "ended", "answered") in out
    assert CancelTimer("max_wait") in out and CancelTimer("ring:1") in out
    assert out[-4:] == [StopLoop(), Bridge(3), QueueWrite("answered", 40, 12),
                        MemberBusy(12, True, 3)]
    assert call.state == qt.State.BRIDGED


def test_a_member_answering_during_the_message_stops_it():
    call, _ = ringing(BO)
    out = call.handle(LegAnswered(1))
    assert StopPlay() in out and StopLoop() not in out


def test_ring_time_over_reports_each_member_and_asks_again():
    call, _ = ringing(ANNA, BO)
    out = call.handle(TimerFired("ring:1"))
    assert {CancelLeg(1), CancelLeg(2), CancelLeg(3)} <= set(out)
    assert QueueWrite("no_answer", 40, 11) in out and QueueWrite("no_answer", 40, 12) in out
    assert out[-1] == AskNext(40, 2)
    assert call.handle(Decided(1, (BO,), 20)) == []   # a late answer to round 1
    assert Dial(4, BO.targets[0]) in call.handle(Decided(2, (BO,), 20))


def test_nobody_ready_waits_and_asks_again():
    call, _ = entered()
    assert call.handle(Decided(1, (), 20)) == [StartTimer("retry:1", RETRY_S)]
    assert call.handle(TimerFired("retry:1")) == [AskNext(40, 2)]


def test_a_nudge_asks_again_at_once_when_nobody_was_ready_and_is_ignored_otherwise():
    call, _ = entered()
    call.handle(Decided(1, (), 20))
    assert call.handle(Nudge()) == [CancelTimer("retry:1"), AskNext(40, 2)]
    assert call.handle(Nudge()) == []                     # already asking
    call.handle(Decided(2, (BO,), 20))
    assert call.handle(Nudge()) == []                     # ringing someone
    call.handle(LegAnswered(1))
    assert call.handle(Nudge()) == [] and call.state == qt.State.BRIDGED


def test_a_member_without_devices_counts_as_not_answering():
    call, _ = entered()
    out = call.handle(Decided(1, (NO_DEVICE, BO), 20))
    assert out[0] == QueueWrite("no_answer", 40, 13) and Dial(1, BO.targets[0]) in out


def test_every_device_of_every_member_refusing_waits_before_asking_again():
    call, _ = ringing(BO)
    out = call.handle(LegFailed(1, 486))
    assert out == [PushMember(12, "ended", "ended"), QueueWrite("no_answer", 40, 12),
                   CancelTimer("ring:1"), StartTimer("retry:1", RETRY_S)]


def test_one_device_refusing_leaves_the_member_ringing():
    call, _ = ringing(ANNA)
    assert call.handle(LegFailed(1, 486)) == []
    assert call.handle(LegProgress(2)) == []


def test_total_time_over_times_out_and_dials_the_overflow_with_music_on():
    call, _ = ringing(BO)
    call.handle(PlaybackDone())
    out = call.handle(TimerFired("max_wait"))
    assert out == [CancelLeg(1), PushMember(12, "ended", "ended"), QueueWrite("time_out", 40),
                   CancelTimer("ring:1"), Dial(2, VOICEMAIL, "no-answer")]
    assert call.state == qt.State.OVERFLOW
    assert call.handle(LegAnswered(2)) == [StopLoop(), Bridge(2)]
    assert call.handle(LegHungUp(2)) == [HangupCaller()]
    assert call.state == qt.State.ENDED


def test_total_time_over_with_hang_up_as_overflow_hangs_up():
    call, _ = entered(HANG_UP)
    out = call.handle(TimerFired("max_wait"))
    assert QueueWrite("time_out", 40) in out and out[-1] == HangupCaller()
    assert call.state == qt.State.ENDED


def test_a_queue_that_does_not_take_the_call_overflows_at_once_without_answering():
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((SUPPORT,), push=False)))
    assert call.handle(Entered(41, False)) == [Dial(1, VOICEMAIL, "unconditional")]
    assert call.handle(LegAnswered(1)) == [AnswerCaller(), Bridge(1)]


def test_no_database_overflows_and_an_unreachable_overflow_rejects_the_caller():
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((SUPPORT,), push=False)))
    assert call.handle(Entered(None, False)) == [Dial(1, VOICEMAIL, "unconditional")]
    assert call.handle(LegFailed(1, 503)) == [RejectCaller(480)]


def test_caller_hanging_up_while_waiting_abandons_the_queue_call():
    call, _ = ringing(ANNA)
    call.handle(PlaybackDone())
    out = call.handle(CallerHungUp())
    assert out == [CancelLeg(1), CancelLeg(2), PushMember(11, "ended", "ended"), StopLoop(),
                   QueueWrite("abandon", 40), CancelTimer("max_wait"), CancelTimer("ring:1")]


def test_caller_hanging_up_before_the_queue_answered_abandons_once_it_does():
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((SUPPORT,), push=False)))
    assert call.handle(CallerHungUp()) == []
    assert call.handle(Entered(42, True)) == [QueueWrite("abandon", 42)]
    assert call.state == qt.State.ENDED


def test_the_end_of_the_bridged_call_starts_wrap_up_and_frees_the_member():
    call, _ = ringing(BO)
    call.handle(LegAnswered(1))
    assert call.handle(LegHungUp(1)) == [QueueWrite("ended", 40), MemberBusy(12, False),
                                         HangupCaller()]
    call, _ = ringing(BO)
    call.handle(LegAnswered(1))
    assert call.handle(CallerHungUp()) == [CancelLeg(1), QueueWrite("ended", 40),
                                           MemberBusy(12, False)]


def test_the_member_hanging_up_from_the_app_ends_the_call():
    call, _ = ringing(BO)
    call.handle(LegAnswered(1))
    refused = call.handle(CompleteTransfer(8))
    assert refused == [CommandDone(8, "refused: no transfer possible now")]
    assert call.state == qt.State.BRIDGED
    assert call.handle(HangupCommand(9)) == [CancelLeg(1), QueueWrite("ended", 40),
                                             MemberBusy(12, False), HangupCaller(),
                                             CommandDone(9, "done")]
    assert call.state == qt.State.ENDED


# -- the member transfers the caller (the same transfer control as any call) ---------------

COLLEAGUE = Target("transfer", "sip:+4722000002@10.0.0.1")


def transferring(method: str, member=BO):
    """Bo answered on leg 1 and asks for a transfer (command 5, transfer 77) to leg 2."""
    call, _ = ringing(member)
    call.handle(LegAnswered(1))
    return call, call.handle(StartTransfer(5, 77, method, COLLEAGUE, 20))


def test_a_blind_transfer_puts_the_caller_through_and_closes_the_queue_call_as_transferred():
    call, out = transferring("blind")
    assert out == [HoldCaller(1), CancelLeg(1), Dial(2, COLLEAGUE),
                   StartTimer("transfer:77", 20), TransferState(77, "ringing"),
                   CommandDone(5, "started")]
    assert call.state == qt.State.TRANSFERRING
    out = call.handle(LegAnswered(2))
    assert out == [Bridge(2), CancelTimer("transfer:77"),
                   TransferState(77, "completed", "answered"),
                   Settled("completed", 2, "answered"), QueueWrite("transferred", 40),
                   MemberBusy(12, False)]
    assert call.state == qt.State.FORWARDED
    assert call.handle(LegHungUp(2)) == [HangupCaller()] and call.state == qt.State.ENDED


def test_an_attended_transfer_completed_closes_the_queue_call_cancelled_reconnects_the_member():
    call, _ = transferring("attended")
    assert Connect(1, 2) in call.handle(LegAnswered(2))
    out = call.handle(CancelTransfer(6))
    assert Bridge(1) in out and not any(isinstance(a, QueueWrite) for a in out)
    assert call.state == qt.State.BRIDGED and call.winner == 1
    out = call.handle(StartTransfer(7, 78, "attended", COLLEAGUE, 20))
    call.handle(LegAnswered(3))
    out = call.handle(CompleteTransfer(8))
    assert out[-2:] == [QueueWrite("transferred", 40), MemberBusy(12, False)]
    assert call.state == qt.State.FORWARDED


def test_a_transfer_that_comes_back_rings_the_member_again_who_takes_the_caller_back():
    call, _ = transferring("with_return", member=ANNA)
    out = call.handle(TimerFired("transfer:77"))
    assert Push("transfer_returned", "no_answer") in out
    assert out[out.index(Settled("returned", None, "no_answer")) + 1:] == [
        PushMember(11, "incoming", ring_for_s=20), Dial(4, ANNA.targets[0]),
        Dial(5, ANNA.targets[1]), StartTimer("back", 20)]
    assert call.state == qt.State.RETURNING
    assert call.handle(LegAnswered(5)) == [CancelTimer("back"), CancelLeg(4, elsewhere=True),
                                           PushMember(11, "ended", "answered"), Bridge(5)]
    assert call.state == qt.State.BRIDGED
    assert call.handle(LegHungUp(5)) == [QueueWrite("ended", 40), MemberBusy(11, False),
                                         HangupCaller()]


def test_a_call_the_member_does_not_take_back_goes_to_the_overflow_once_over_for_them():
    call, _ = transferring("with_return")
    call.handle(LegFailed(2, 486))
    out = call.handle(TimerFired("back"))
    assert out == [CancelLeg(3), PushMember(12, "ended", "ended"), QueueWrite("ended", 40),
                   MemberBusy(12, False), Dial(4, VOICEMAIL, "user-busy")]
    assert call.state == qt.State.OVERFLOW


def test_the_caller_hanging_up_during_a_transfer_or_its_return_ends_the_queue_call_once():
    call, _ = transferring("with_return")
    out = call.handle(CallerHungUp())
    assert out[-2:] == [QueueWrite("ended", 40), MemberBusy(12, False)]
    assert call.state == qt.State.ENDED
    call, _ = transferring("with_return")
    call.handle(TimerFired("transfer:77"))
    out = call.handle(CallerHungUp())
    assert out == [CancelLeg(3), PushMember(12, "ended", "ended"), QueueWrite("ended", 40),
                   MemberBusy(12, False), CancelTimer("back")]


def test_a_blind_transfer_that_cannot_reach_the_target_ends_the_call():
    call, _ = transferring("blind")
    out = call.handle(LegFailed(2, 404))
    assert out[-3:] == [QueueWrite("ended", 40), MemberBusy(12, False), HangupCaller()]
    assert call.state == qt.State.ENDED


def test_the_member_hanging_up_from_the_app_during_a_transfer_ends_it():
    call, _ = transferring("attended")
    out = call.handle(HangupCommand(9))
    assert out[0] == TransferState(77, "failed", "hung_up")
    assert CommandDone(9, "done") in out and QueueWrite("ended", 40) in out
    assert call.state == qt.State.ENDED


def test_transfer_commands_while_waiting_are_refused_and_the_call_goes_on():
    call, _ = entered()
    assert call.handle(StartTransfer(5, 77, "blind", COLLEAGUE, 20)) == [
        CommandDone(5, "refused: no transfer possible now")]
    assert call.state == qt.State.ANNOUNCING


def test_a_cancelled_device_answering_late_is_hung_up():
    call, _ = ringing(ANNA, BO)
    call.handle(LegAnswered(3))
    assert call.handle(LegAnswered(1)) == [CancelLeg(1)]
    assert call.state == qt.State.BRIDGED


def test_an_input_the_state_does_not_accept_ends_the_call_cleanly():
    call, _ = ringing(BO)
    out = call.handle(Entered(50, True))
    assert isinstance(out[0], Failed)
    assert {CancelLeg(1), QueueWrite("abandon", 40), HangupCaller()} <= set(out)
    assert call.state == qt.State.ENDED and call.handle(CallerHungUp()) == []


def test_a_plan_without_a_queue_is_refused():
    call = qc.QueueControl()
    out = call.handle(Routed(CallPlan((PlayMessage("x", "en"),))))
    assert isinstance(out[0], Failed) and out[-1] == RejectCaller(500)


@pytest.mark.parametrize("state", qt.State)
def test_every_state_has_a_way_out_when_the_caller_hangs_up(state):
    assert state in (qt.State.ENDED, qt.State.LEAVING) or (state, CallerHungUp) in qt.TABLE


# -- Hypothesis: any sequence of inputs ----------------------------------------------------

STEPS = st.sampled_from([SUPPORT, HANG_UP, CALLBACK])
LEG = st.integers(1, 7)
MEMBERS = st.lists(st.sampled_from([ANNA, BO, NO_DEVICE]), max_size=3, unique=True)
EVENTS = st.one_of(
    st.builds(Entered, st.sampled_from([40, None]), st.booleans(), st.integers(1, 4)),
    st.builds(Decided, st.integers(1, 4), MEMBERS.map(tuple), st.just(20)),
    st.builds(LegProgress, LEG), st.builds(LegAnswered, LEG),
    st.builds(LegFailed, LEG, st.sampled_from([404, 486, 487, 503])),
    st.builds(LegHungUp, LEG), st.just(CallerHungUp()), st.just(PlaybackDone()),
    st.just(Nudge()),
    st.builds(TimerFired, st.sampled_from(["max_wait", "ring:1", "ring:2", "retry:1",
                                           "retry:2", "bogus", "transfer:77", "back"])),
    st.builds(StartTransfer, st.just(5), st.just(77),
              st.sampled_from(["with_return", "blind", "attended"]), st.just(COLLEAGUE),
              st.just(20)),
    st.just(CompleteTransfer(6)), st.just(CancelTransfer(7)), st.just(HangupCommand(8)),
    st.builds(Digit, st.sampled_from(["1", "2"])))


@settings(max_examples=500, deadline=None)
@given(step=STEPS, events=st.lists(EVENTS, max_size=30))
def test_any_sequence_of_inputs_keeps_the_queue_call_consistent(step, events):
    call = qc.QueueControl()
    everything = call.handle(Routed(CallPlan((step,), push=False)))
    for event in events:
        before = call.state
        out = call.handle(event)
        if before == qt.State.ENDED:
            assert out == []
        everything += out
    dials = [a for a in everything if isinstance(a, Dial)]
    assert len({d.leg for d in dials}) == len(dials)          # a leg is dialled once
    assert sum(isinstance(a, AnswerCaller) for a in everything) <= 1
    bridges = [a for a in everything if isinstance(a, Bridge)]
    assert len(bridges) <= 1 or any(isinstance(e, StartTransfer) for e in events)
    writes = [a.op for a in everything if isinstance(a, QueueWrite)]
    assert writes.count("answered") <= 1
    assert sum(writes.count(op) for op in qc.TERMINAL_OPS) <= 1  # the queue call closes once
    for op in ("ended", "transferred"):
        if op in writes:
            assert writes.index("answered") < writes.index(op)
    busy = [a.busy for a in everything if isinstance(a, MemberBusy)]
    assert busy in ([], [True], [True, False])
    asks = [a.round for a in everything if isinstance(a, AskNext)]
    assert asks == list(range(1, len(asks) + 1))               # one question at a time
    if call.state == qt.State.ENDED:
        assert not call.timers
        if call.call_id is not None:                            # none lost
            assert sum(writes.count(op) for op in qc.TERMINAL_OPS) == 1
        assert busy in ([], [True, False])
        assert all(leg.status in ("gone", "answered") for leg in call.legs.values())
        failed = {e.leg for e in events if isinstance(e, (LegFailed, LegHungUp))}
        cancelled = {a.leg for a in everything if isinstance(a, CancelLeg)}
        answered = {n for n, leg in call.legs.items() if leg.status == "answered"}
        assert {d.leg for d in dials} <= failed | cancelled | answered
        pushed = [a for a in everything if isinstance(a, PushMember)]
        for user in {p.user_id for p in pushed if p.kind == "incoming"}:
            mine = [p.kind for p in pushed if p.user_id == user]
            assert mine.count("incoming") == mine.count("ended")  # every ring push ends
    music = [type(a) for a in everything if isinstance(a, (StartLoop, StopLoop))]
    assert all(a != b for a, b in zip(music, music[1:]))       # start and stop alternate
