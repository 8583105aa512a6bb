"""Hold and retrieve from the app, without SIP: both call machines hold the connected leg
and bridge it again, refuse it while the call is not connected, and a transfer starts from
a clean state."""
from __future__ import annotations

import pytest

from sip_gateway.core import callcontrol as cc, queuecontrol as qc
from sip_gateway.core.callhold import HoldCall, HoldCommand
from sip_gateway.core.callmessages import (CallPlan, CommandDone, LegAnswered, PlaybackDone,
                                           RingStep, Routed, Target)
from sip_gateway.core.queuemessages import Decided, Entered, MemberTargets, QueueStep
from sip_gateway.core.transfercontrol import StartTransfer
from sip_gateway.queuerouting import queue_words

SOFT = Target("softphone", "sip:soft@10.0.0.1")
COLLEAGUE = Target("softphone", "sip:bob@10.0.0.3")


def bridged_user_call() -> cc.CallControl:
    call = cc.CallControl()
    call.handle(Routed(CallPlan((RingStep((SOFT,), 25),))))
    call.handle(LegAnswered(1))
    assert call.state is cc.State.BRIDGED
    return call


def bridged_queue_call() -> qc.QueueControl:
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((QueueStep(7, 1, "Support", max_wait_s=60,
                                           words=queue_words("en")),), push=False)))
    call.handle(Entered(40, True, 1))
    call.handle(PlaybackDone())
    call.handle(Decided(1, (MemberTargets(11, (SOFT,)),), 20))
    call.handle(LegAnswered(1))
    assert call.state is qc.State.BRIDGED
    return call


@pytest.mark.parametrize("make", [bridged_user_call, bridged_queue_call])
def test_a_connected_call_is_held_and_retrieved_and_stays_connected(make):
    call = make()
    assert call.handle(HoldCommand(5, True)) == [HoldCall(1, True), CommandDone(5, "done")]
    assert call.handle(HoldCommand(6, False)) == [HoldCall(1, False), CommandDone(6, "done")]
    assert call.state.name == "BRIDGED"


@pytest.mark.parametrize("make", [bridged_user_call, bridged_queue_call])
def test_holding_twice_is_done_once(make):
    call = make()
    call.handle(HoldCommand(5, True))
    assert call.handle(HoldCommand(6, True)) == [CommandDone(6, "done")]


def test_a_call_still_ringing_refuses_hold_and_rings_on():
    call = cc.CallControl()
    call.handle(Routed(CallPlan((RingStep((SOFT,), 25),))))
    out = call.handle(HoldCommand(5, True))
    assert out == [CommandDone(5, "refused: the call is not connected")]
    assert call.state is cc.State.RINGING


def test_a_waiting_queue_caller_cannot_be_held():
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((QueueStep(7, 1, "Support", max_wait_s=60,
                                           words=queue_words("en")),), push=False)))
    call.handle(Entered(40, True, 1))
    out = call.handle(HoldCommand(5, True))
    assert out == [CommandDone(5, "refused: the call is not connected")]
    assert call.state is qc.State.ANNOUNCING


def test_a_transfer_of_a_held_call_starts_clean_and_a_later_hold_holds_again():
    call = bridged_user_call()
    call.handle(HoldCommand(5, True))
    out = call.handle(StartTransfer(9, 3, "attended", COLLEAGUE, 20))
    assert call.state is cc.State.TRANSFERRING and call.hold.on is False
    assert [a for a in out if isinstance(a, HoldCall)] == []   # the transfer holds on its own


def test_a_caller_leaving_a_voicemail_cannot_be_held_and_the_message_goes_on():
    from sip_gateway.core.callmessages import LeaveMessage
    from sip_gateway.core.voicemailcontrol import Begin, State, VoicemailControl

    call = VoicemailControl(LeaveMessage(1, 7, "profile", "Out of office.", "en", None,
                                         120.0, 8.0))
    call.handle(Begin())
    assert call.handle(HoldCommand(5, True)) == [
        CommandDone(5, "refused: the call is not connected")]
    assert call.state is State.GREETING
