"""A queue's overflow to the gateway's own voicemail: the queue call's mailbox takes the call
(the same machine to the end), a full mailbox is said before the call ends, and the spoken
default names the queue in the company's language."""
from __future__ import annotations

from types import SimpleNamespace

from api.voicemail import spoken
from sip_gateway.core import plans, queuecontrol as qc, queuetable as qt
from sip_gateway.core.callmessages import (AnswerCaller, CallerHungUp, CallPlan, HangupCaller,
                                           LeaveMessage, LogCall, Play, PlaybackDone,
                                           PlayMessage, Routed, StartVoicemail, TimerFired,
                                           WriteState)
from sip_gateway.core.voicemailcontrol import SaveMessage, StartRecording, StopRecording
from sip_gateway.core.queuemessages import Decided, Entered, MemberTargets, QueueStep, StopLoop

MAILBOX = LeaveMessage(1, None, "queue", "Nobody at Support can answer right now.", "en",
                       queue_id=7)
FULL = PlayMessage("The mailbox of Support is full. Please call again later.", "en")
BO = MemberTargets(12, (plans.Target("deskphone", "sip:bo@10.0.0.2"),))


def _queue(overflow) -> QueueStep:
    return QueueStep(7, 1, "Support", max_wait_s=60, overflow=overflow)


def _waiting(overflow):
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((_queue(overflow),), push=False)))
    call.handle(Entered(40, True, 1))
    call.handle(Decided(1, (BO,), 20))
    call.handle(PlaybackDone())
    return call


def test_when_the_wait_is_over_the_queue_mailbox_takes_the_call_and_the_music_stops():
    call = _waiting(MAILBOX)
    out = call.handle(TimerFired("max_wait"))
    assert StopLoop() in out and out[-2:] == [AnswerCaller(), Play(MAILBOX.text, "en",
                                                                   answer=True)]
    assert out.index(StopLoop()) < out.index(StartVoicemail(MAILBOX)) < len(out) - 2
    assert call.state == qt.State.VOICEMAIL and not call.over


def test_the_queue_mailbox_records_in_the_same_machine_and_keeps_the_message_at_hang_up():
    call = _waiting(MAILBOX)
    call.handle(TimerFired("max_wait"))
    assert call.handle(PlaybackDone())[0] == StartRecording(MAILBOX.silence_s)
    out = call.handle(CallerHungUp())
    assert out[:2] == [StopRecording(), SaveMessage()]
    assert out[-2:] == [WriteState("ended"), LogCall("missed")] and call.over


def test_a_queue_that_takes_no_call_sends_the_caller_to_its_mailbox_at_once():
    call = qc.QueueControl()
    call.handle(Routed(CallPlan((_queue(MAILBOX),), push=False)))
    assert call.handle(Entered(41, False)) == [StartVoicemail(MAILBOX), AnswerCaller(),
                                               Play(MAILBOX.text, "en", answer=True)]


def test_a_full_queue_mailbox_is_said_to_the_caller_then_the_call_ends():
    call = _waiting(FULL)
    out = call.handle(TimerFired("max_wait"))
    assert out[-1] == Play(FULL.text, "en", answer=True)
    assert call.state == qt.State.CONFIRMING
    assert call.handle(PlaybackDone()) == [HangupCaller()]
    assert call.state == qt.State.ENDED


def test_the_queue_mailbox_step_records_into_the_queue_not_a_user():
    box = SimpleNamespace(tenant_id=1, user_id=None, queue_id=7, full=False, reason="queue",
                          text="greeting", language="nb", greeting=None)
    step = plans.mailbox_step(box, {"voicemail_max_s": 60, "voicemail_silence_s": 5})
    assert step == LeaveMessage(1, None, "queue", "greeting", "nb", None, 60.0, 5.0, 7)


def test_the_spoken_default_names_the_queue_in_the_company_language():
    assert spoken.queue_greeting("Support", "nb") == (
        "Ingen hos Support kan svare akkurat nå. Legg igjen en beskjed etter tonen.")
    assert spoken.queue_greeting("Support", "en") == (
        "Nobody at Support can answer right now. Please leave a message after the tone.")
    assert "Support" in spoken.queue_full("Support", "sv")
