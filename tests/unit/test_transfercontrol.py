"""Transfer control without SIP: every method and outcome, the races, and Hypothesis walking
the table."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from sip_gateway.core import transfercontrol as tc
from sip_gateway.core.callmessages import (Bridge, CallerHungUp, CancelLeg, CancelTimer, CommandDone,
                                      Dial, Failed, LegAnswered, LegFailed, LegHungUp,
                                      LegProgress, Push, StartTimer, Target, TimerFired)
from sip_gateway.core.transfercontrol import (CancelTransfer, CompleteTransfer, Connect, HoldCaller,
                                         Settled, StartTransfer, TransferState)

USER, TARGET = 1, 2
ANNA = Target("forward", "sip:+4722000002@gateway")
TIMER = TimerFired("transfer:7")


def started(method: str = "with_return", timeout: float = 20):
    t = tc.TransferControl(user_leg=USER, target_leg=TARGET)
    return t, t.handle(StartTransfer(11, 7, method, ANNA, timeout))


def settled(actions) -> Settled | None:
    found = [a for a in actions if isinstance(a, Settled)]
    assert len(found) <= 1
    return found[0] if found else None


def state_of(actions) -> list[tuple[str, str]]:
    return [(a.state, a.reason) for a in actions if isinstance(a, TransferState)]


# -- the table ------------------------------------------------------------------------------

def test_every_row_reads_an_input_kind_the_transfer_knows():
    assert all(kind in tc.Kind for _state, kind in tc.TABLE)


@pytest.mark.parametrize("method,answer_leads_to", [
    ("with_return", [Bridge(TARGET)]), ("blind", [Bridge(TARGET)]),
    ("attended", [Connect(USER, TARGET)])])
def test_start_holds_the_caller_dials_the_target_and_answer_connects_by_method(method,
                                                                             answer_leads_to):
    t, actions = started(method)
    assert actions[0] == HoldCaller(USER)
    assert Dial(TARGET, ANNA) in actions and StartTimer("transfer:7", 20) in actions
    assert (CancelLeg(USER) in actions) == (method != "attended")  # the user is free at once
    assert CommandDone(11, "started") in actions and state_of(actions) == [("ringing", "")]
    answered = t.handle(LegAnswered(TARGET))
    assert [a for a in answered if isinstance(a, (Bridge, Connect))] == answer_leads_to
    assert CancelTimer("transfer:7") in answered


def test_with_return_answered_bridges_the_caller_to_the_target():
    t, _ = started()
    t.handle(LegProgress(TARGET))
    actions = t.handle(LegAnswered(TARGET))
    assert settled(actions) == Settled("completed", TARGET, "answered")
    assert state_of(actions) == [("completed", "answered")] and t.state == tc.State.DONE


@pytest.mark.parametrize("event,reason", [
    (TIMER, "no_answer"), (LegFailed(TARGET, 486), "busy"), (LegFailed(TARGET, 480),
                                                               "unavailable"),
    (LegFailed(TARGET, 603), "declined")])
def test_with_return_comes_back_to_the_user_with_a_push_saying_why(event, reason):
    t, _ = started()
    actions = t.handle(event)
    assert Push("transfer_returned", reason) in actions
    assert settled(actions) == Settled("returned", None, reason)
    assert state_of(actions) == [("returned", reason)]
    assert (CancelLeg(TARGET) in actions) == isinstance(event, TimerFired)


def test_blind_to_a_target_that_cannot_be_reached_ends_the_call():
    t, _ = started("blind", 120)
    actions = t.handle(LegFailed(TARGET, 404))
    assert settled(actions).outcome == "failed" and state_of(actions) == [("failed",
                                                                           "not_found")]
    assert not [a for a in actions if isinstance(a, Push)]


def test_attended_complete_bridges_caller_and_target_and_releases_the_user():
    t, _ = started("attended")
    t.handle(LegAnswered(TARGET))
    assert t.state == tc.State.CONSULTING
    actions = t.handle(CompleteTransfer(12))
    assert actions[:3] == [Bridge(TARGET), CancelLeg(USER), CommandDone(12, "done")]
    assert settled(actions) == Settled("completed", TARGET, "completed")


@pytest.mark.parametrize("consulting", [False, True])
def test_attended_cancel_reconnects_the_user_with_the_caller(consulting):
    t, _ = started("attended")
    if consulting:
        t.handle(LegAnswered(TARGET))
    actions = t.handle(CancelTransfer(13))
    assert CancelLeg(TARGET) in actions and Bridge(USER) in actions
    assert CommandDone(13, "done") in actions
    assert settled(actions) == Settled("reconnected", USER, "cancelled")
    assert state_of(actions) == [("cancelled", "cancelled")]


@pytest.mark.parametrize("event,reason", [(TIMER, "no_answer"),
                                          (LegFailed(TARGET, 486), "busy")])
def test_attended_target_not_answering_reconnects_the_user_without_a_push(event, reason):
    t, _ = started("attended")
    actions = t.handle(event)
    assert Bridge(USER) in actions and settled(actions) == Settled("reconnected", USER, reason)
    assert not [a for a in actions if isinstance(a, Push)]


def test_attended_target_hanging_up_while_consulting_reconnects_the_user():
    t, _ = started("attended")
    t.handle(LegAnswered(TARGET))
    actions = t.handle(LegHungUp(TARGET))
    assert Bridge(USER) in actions and CancelLeg(TARGET) not in actions
    assert settled(actions) == Settled("reconnected", USER, "target_hung_up")


def test_cancel_of_a_transfer_with_return_rings_the_user_again_without_a_push():
    t, _ = started()
    actions = t.handle(CancelTransfer(13))
    assert settled(actions).outcome == "returned" and CommandDone(13, "done") in actions
    assert state_of(actions) == [("cancelled", "cancelled")]
    assert not [a for a in actions if isinstance(a, Push)]


def test_complete_before_the_target_answers_is_refused_and_changes_nothing():
    t, _ = started("attended")
    assert t.handle(CompleteTransfer(12)) == [
        CommandDone(12, "refused: the target has not answered")]
    assert t.state == tc.State.RINGING


# -- the races ------------------------------------------------------------------------------

@pytest.mark.parametrize("method", tc.METHODS)
def test_the_caller_hanging_up_during_a_transfer_ends_it_once(method):
    t, _ = started(method)
    actions = t.handle(CallerHungUp())
    assert CancelLeg(TARGET) in actions
    assert (CancelLeg(USER) in actions) == (method == "attended")
    assert settled(actions) == Settled("caller_gone", None, "caller_hung_up")
    assert t.handle(LegAnswered(TARGET)) == [CancelLeg(TARGET)]  # a late answer is hung up
    assert t.handle(TIMER) == []


def test_the_target_answering_just_before_the_timeout_wins_and_the_late_timer_is_ignored():
    t, _ = started()
    assert settled(t.handle(LegAnswered(TARGET))).outcome == "completed"
    assert t.handle(TIMER) == []
    assert t.outcome == "completed"


def test_the_timeout_just_before_the_answer_wins_and_the_late_answer_is_hung_up():
    t, _ = started()
    assert settled(t.handle(TIMER)).outcome == "returned"
    assert t.handle(LegAnswered(TARGET)) == [CancelLeg(TARGET)]
    assert t.outcome == "returned"


def test_the_same_tap_twice_starts_one_transfer_and_refuses_the_second():
    t, _ = started()
    again = t.handle(StartTransfer(14, 8, "blind", ANNA, 20))
    assert again == [CommandDone(14, "refused: a transfer is already in progress")]
    assert t.transfer_id == 7 and t.method == "with_return"


def test_the_user_hanging_up_before_the_target_answers_turns_attended_into_with_return():
    t, _ = started("attended")
    # still ringing, but the user is gone: free from now on
    assert t.handle(LegHungUp(USER)) == [TransferState(t.transfer_id, "ringing", "user_hung_up")]
    actions = t.handle(TIMER)
    assert Push("transfer_returned", "no_answer") in actions
    assert settled(actions).outcome == "returned"


def test_the_user_hanging_up_while_talking_to_the_target_completes_the_transfer():
    t, _ = started("attended")
    t.handle(LegAnswered(TARGET))
    actions = t.handle(LegHungUp(USER))
    assert Bridge(TARGET) in actions and CancelLeg(USER) not in actions
    assert settled(actions) == Settled("completed", TARGET, "user_hung_up")


def test_commands_after_the_end_are_answered_and_change_nothing():
    t, _ = started()
    t.handle(LegAnswered(TARGET))
    assert t.handle(CancelTransfer(15)) == [CommandDone(15, "refused: the transfer is over")]


def test_an_input_the_table_does_not_accept_abandons_the_transfer_back_to_the_user():
    t, _ = started("attended")
    t.handle(LegAnswered(TARGET))
    actions = t.handle(LegAnswered(TARGET))  # answered twice: the adapter is confused
    assert isinstance(actions[0], Failed)
    assert CancelLeg(TARGET) in actions and settled(actions).outcome == "reconnected"
    fresh = tc.TransferControl(user_leg=USER, target_leg=TARGET)
    actions = fresh.handle(CompleteTransfer(3))
    assert CommandDone(3, "refused: not possible now") in actions
    assert settled(actions) == Settled("reconnected", USER, "error")


def test_an_unknown_method_is_refused_and_the_call_stays_with_the_user():
    t = tc.TransferControl(user_leg=USER, target_leg=TARGET)
    actions = t.handle(StartTransfer(11, 7, "teleport", ANNA, 20))
    assert actions[0] == CommandDone(11, "refused: unknown method teleport")
    assert settled(actions) == Settled("reconnected", USER, "unknown_method")
    assert not [a for a in actions if isinstance(a, Dial)]


# -- Hypothesis walks the table ---------------------------------------------------------------

EVENTS = st.one_of(
    st.builds(StartTransfer, st.integers(20, 30), st.integers(1, 9),
              st.sampled_from(tc.METHODS), st.just(ANNA), st.just(20)),
    st.builds(CompleteTransfer, st.integers(31, 40)),
    st.builds(CancelTransfer, st.integers(41, 50)),
    st.just(CallerHungUp()), st.just(TIMER), st.just(TimerFired("transfer:99")),
    st.builds(LegProgress, st.sampled_from([USER, TARGET, 3])),
    st.builds(LegAnswered, st.sampled_from([USER, TARGET, 3])),
    st.builds(LegFailed, st.sampled_from([USER, TARGET, 3]), st.sampled_from([480, 486, 603])),
    st.builds(LegHungUp, st.sampled_from([USER, TARGET, 3])))


@settings(max_examples=500, deadline=None)
@given(method=st.sampled_from(tc.METHODS), events=st.lists(EVENTS, max_size=20))
def test_any_sequence_settles_at_most_once_and_answers_every_command_once(method, events):
    t, first = started(method)
    everything = list(first)
    commands = [11]
    for ev in events:
        if hasattr(ev, "command_id"):
            commands.append(ev.command_id)
        before = t.state
        actions = t.handle(ev)
        everything += actions
        if before == tc.State.DONE:  # after the end: only answers and hanging up a late answer
            assert all(isinstance(a, CommandDone) or a == CancelLeg(TARGET) for a in actions)
        assert t.state in tc.State
    settles = [a for a in everything if isinstance(a, Settled)]
    finals = [a for a in everything if isinstance(a, TransferState)
              and a.state not in ("ringing", "consulting")]
    assert len(settles) == len(finals) <= 1
    assert (t.state == tc.State.DONE) == bool(settles)
    done = sorted(a.command_id for a in everything if isinstance(a, CommandDone))
    assert done == sorted(commands)  # every command is answered exactly once
    if settles:
        outcome = settles[0]
        bridged = [a for a in everything if isinstance(a, Bridge)]
        if outcome.outcome == "completed":
            assert bridged[-1] == Bridge(TARGET)
        if outcome.outcome == "reconnected" and method == "attended":
            assert not bridged or bridged[-1] == Bridge(USER)
    starts = [a for a in everything if isinstance(a, StartTimer)]
    stops = [a for a in everything if isinstance(a, CancelTimer)]
    assert len(stops) <= len(starts) == 1

