"""A call placed from the app, without SIP: the device rings first, the destination is
dialled only once it answers, and every way it can end says why to the app."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from sip_gateway.callthrough import targets
from sip_gateway.core import callthrough as ct
from sip_gateway.core.callmessages import (Bridge, CallerHungUp, CancelLeg, CommandDone, Dial,
                                           HangupCaller, HangupCommand, LegAnswered, LegFailed,
                                           LegHungUp, LegProgress, LogCall, StartTimer, Target,
                                           TimerFired, WriteState)
from sip_gateway.core.transfercontrol import StartTransfer

DEVICE = Target("softphone", "sip:soft@10.0.0.1", from_number="+4722334455")
DEST = Target("outgoing", "sip:22334455@trunk", from_number="+4721000001")
START = ct.StartCallThrough(7, DEVICE, DEST, 30, 60)


def started() -> tuple[ct.CallThrough, list]:
    call = ct.CallThrough()
    return call, call.handle(START)


def answered() -> ct.CallThrough:
    call, _ = started()
    call.handle(LegAnswered(1))
    return call


def bridged() -> ct.CallThrough:
    call = answered()
    call.handle(ct.DestinationAnswered())
    return call


def test_the_device_rings_first_and_nothing_else_is_dialled():
    call, actions = started()
    assert actions == [WriteState("ringing"), Dial(1, DEVICE), StartTimer("device:1", 30)]
    assert call.state is ct.DEVICE


def test_the_destination_is_dialled_showing_the_display_number_once_the_device_answers():
    call, _ = started()
    actions = call.handle(LegAnswered(1))
    assert ct.DialOther(DEST) in actions and StartTimer("destination", 60) in actions
    assert call.state is ct.DESTINATION


def test_the_destination_answering_bridges_it_to_the_device_and_the_command_is_done():
    call = answered()
    actions = call.handle(ct.DestinationAnswered())
    assert actions[-3:] == [Bridge(1), WriteState("answered", 1), ct.Outcome(7, True, "bridged")]
    assert call.state is ct.BRIDGED


def test_a_device_that_does_not_answer_fails_the_command_and_writes_no_call_log():
    call, _ = started()
    call.handle(LegProgress(1))
    actions = call.handle(TimerFired("device:1"))
    assert CancelLeg(1) in actions and ct.Outcome(7, False, "device_no_answer") in actions
    assert not [a for a in actions if isinstance(a, (LogCall, ct.DialOther))]
    assert call.over


@pytest.mark.parametrize("status,result", [(486, "device_busy"), (603, "device_busy"),
                                           (480, "device_no_answer"),
                                           (404, "device_unreachable")])
def test_a_device_that_refuses_says_why(status, result):
    call, _ = started()
    assert ct.Outcome(7, False, result) in call.handle(LegFailed(1, status))


@pytest.mark.parametrize("status,result,logged", [
    (486, "destination_busy", "busy"), (480, "destination_no_answer", "failed"),
    (404, "destination_unreachable", "failed"), (503, "destination_unreachable", "failed")])
def test_a_destination_that_fails_hangs_up_the_device_and_is_logged(status, result, logged):
    call = answered()
    actions = call.handle(ct.DestinationFailed(status))
    assert CancelLeg(1) in actions and ct.Outcome(7, False, result) in actions
    assert LogCall(logged) in actions and call.over


def test_a_destination_that_rings_out_is_cancelled_and_logged_as_not_answered():
    call = answered()
    actions = call.handle(TimerFired("destination"))
    assert HangupCaller() in actions and CancelLeg(1) in actions
    assert ct.Outcome(7, False, "destination_no_answer") in actions and LogCall("missed") in actions


def test_putting_the_device_down_while_the_destination_rings_cancels_the_call():
    call = answered()
    actions = call.handle(LegHungUp(1))
    assert HangupCaller() in actions and ct.Outcome(7, False, "cancelled") in actions


def test_hanging_up_from_the_app_while_the_device_rings_cancels_it():
    call, _ = started()
    actions = call.handle(HangupCommand(9))
    assert CancelLeg(1) in actions and CommandDone(9, "done") in actions
    assert ct.Outcome(7, False, "cancelled") in actions and call.over


def test_a_bridged_call_ends_when_either_side_hangs_up_and_is_logged_answered():
    call = bridged()
    assert call.handle(CallerHungUp())[-2:] == [WriteState("ended"), LogCall("answered")]
    call = bridged()
    actions = call.handle(LegHungUp(1))
    assert HangupCaller() in actions and actions[-1] == LogCall("answered")


def test_hanging_up_a_bridged_call_from_the_app_ends_both_sides():
    actions = bridged().handle(HangupCommand(9))
    assert {CancelLeg(1), HangupCaller(), CommandDone(9, "done")} <= set(actions)


def test_a_bridged_call_can_be_transferred_and_the_outcome_is_reported_once():
    call = bridged()
    actions = call.handle(StartTransfer(11, 3, "blind", Target("transfer", "sip:x@trunk"), 20))
    assert any(isinstance(a, Dial) and a.leg == 2 for a in actions)
    assert call.state is ct.TRANSFERRING
    assert not [a for a in actions if isinstance(a, ct.Outcome)]


def test_a_transfer_command_before_the_call_is_bridged_is_refused():
    call, _ = started()
    actions = call.handle(StartTransfer(11, 3, "blind", Target("transfer", "sip:x@trunk"), 20))
    assert actions == [CommandDone(11, "refused: no transfer possible now")]
    assert call.state is ct.DEVICE


def test_the_trunk_gets_the_number_in_its_format_and_an_owned_number_goes_through_here():
    uris = {"trunk": "sip:10.0.0.5:5070", "self": "sip:10.0.0.1:5060",
            "trunk_format": "national", "trunk_country": "NO"}
    order = {"device": {"kind": "mobile", "address": "+4790000002"}, "number": "+4722334455",
             "via": "trunk", "display_number": "+4721000001"}
    device, dest = targets(order, uris)
    assert device.uri == "sip:90000002@10.0.0.5:5070" and device.from_number == "+4722334455"
    assert dest.uri == "sip:22334455@10.0.0.5:5070" and dest.from_number == "+4721000001"
    _, colleague = targets({**order, "via": "self", "number": "+4721000003"}, uris)
    assert colleague.uri == "sip:+4721000003@10.0.0.1:5060"


INPUTS = st.sampled_from([LegProgress(1), LegAnswered(1), LegFailed(1, 486), LegHungUp(1),
                          CallerHungUp(), ct.DestinationAnswered(), ct.DestinationFailed(486),
                          TimerFired("device:1"), TimerFired("destination"),
                          HangupCommand(9), LegAnswered(2), LegFailed(2, 500)])


@settings(max_examples=300, deadline=None)
@given(st.lists(INPUTS, max_size=12))
def test_any_sequence_of_inputs_reports_the_outcome_at_most_once_and_ends_cleanly(inputs):
    call, _ = started()
    outcomes = []
    for ev in inputs:
        outcomes += [a for a in call.handle(ev) if isinstance(a, ct.Outcome)]
    assert len(outcomes) <= 1
    if call.over:
        assert len(outcomes) == 1


def test_a_bridged_call_is_held_and_taken_back_from_the_app_and_refused_before():
    from sip_gateway.core.callhold import HoldCall, HoldCommand

    call, _ = started()
    assert call.handle(HoldCommand(5, True)) == [
        CommandDone(5, "refused: the call is not connected")]
    call = bridged()
    assert call.handle(HoldCommand(5, True)) == [HoldCall(1, True), CommandDone(5, "done")]
    assert call.handle(HoldCommand(6, False)) == [HoldCall(1, False), CommandDone(6, "done")]
    assert call.state is ct.BRIDGED
