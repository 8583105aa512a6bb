"""A waiting caller's sound, without SIP: the queue's hold music choice, the message
repeated every N seconds (the music pauses for it and comes back after it), and the
uploaded recordings that replace the spoken welcome and message."""
from __future__ import annotations

from sip_gateway.core import queuecontrol as qc, queuetable as qt
from sip_gateway.core.callmessages import (CallPlan, CancelTimer, LegAnswered, Play,
                                           PlaybackDone, PlayFile, Routed, StartTimer, Target, TimerFired)
from sip_gateway.core.queuemessages import (Decided, Entered, MemberTargets, QueueStep,
                                            StartLoop, StopLoop)
from sip_gateway.queuerouting import queue_words

WORDS = queue_words("en")
ANNA = MemberTargets(11, (Target("softphone", "sip:anna@10.0.0.1"),))


def waiting(**settings):
    call = qc.QueueControl()
    step = QueueStep(7, 1, "Support", max_wait_s=300, words=WORDS, **settings)
    call.handle(Routed(CallPlan((step,), push=False)))
    call.handle(Entered(40, True, 1))
    return call, call.handle(PlaybackDone())


def test_the_caller_hears_the_queues_music_after_the_message_by_default():
    call, out = waiting()
    assert out == [StartLoop("hold")] and call.state == qt.WAITING


def test_a_queue_may_play_ringback_or_silence_instead_of_music():
    assert waiting(hold_music="ringback")[1] == [StartLoop("ringback")]
    assert waiting(hold_music="silence")[1] == []


def test_the_message_is_repeated_every_n_seconds_and_the_music_comes_back_after_it():
    call, out = waiting(announce_every_s=30, announce_text="All our agents are busy.")
    assert out == [StartLoop("hold"), StartTimer("announce", 30)]
    out = call.handle(TimerFired("announce"))
    assert out == [StopLoop(), Play("All our agents are busy.", "en", answer=True)]
    out = call.handle(PlaybackDone())
    assert out == [StartLoop("hold"), StartTimer("announce", 30)]   # again in 30 s
    assert call.state == qt.WAITING


def test_without_its_own_text_the_queue_repeats_please_hold():
    call, _ = waiting(announce_every_s=20)
    out = call.handle(TimerFired("announce"))
    assert Play("Please hold.", "en", answer=True) in out


def test_the_repeated_message_stops_once_a_member_answers():
    call, _ = waiting(announce_every_s=20)
    call.handle(Decided(1, (ANNA,), 20))
    out = call.handle(LegAnswered(1))
    assert CancelTimer("announce") in out and call.state == qt.BRIDGED
    assert call.handle(TimerFired("announce")) == []      # a late timer changes nothing


def test_an_uploaded_welcome_is_played_instead_of_the_spoken_one():
    call = qc.QueueControl()
    step = QueueStep(7, 1, "Support", max_wait_s=300, words=WORDS, greeting="Welcome!",
                     greeting_file="/q/1/welcome.wav")
    call.handle(Routed(CallPlan((step,), push=False)))
    out = call.handle(Entered(40, True, 1))
    assert PlayFile("/q/1/welcome.wav") in out
    assert not [a for a in out if isinstance(a, Play)]
    assert call.handle(PlaybackDone())[0] == StartLoop("hold")   # music after it, as ever


def test_an_uploaded_waiting_message_is_repeated_instead_of_the_queues_text():
    call, _ = waiting(announce_every_s=30, announce_text="All our agents are busy.",
                      message_file="/q/1/message.wav")
    assert call.handle(TimerFired("announce")) == [StopLoop(), PlayFile("/q/1/message.wav")]
    assert call.handle(PlaybackDone()) == [StartLoop("hold"), StartTimer("announce", 30)]


def test_without_an_uploaded_welcome_the_queue_speaks_its_text():
    call = qc.QueueControl()
    step = QueueStep(7, 1, "Support", max_wait_s=300, words=WORDS, greeting="Welcome!",
                     message_file="/q/1/message.wav")
    call.handle(Routed(CallPlan((step,), push=False)))
    assert Play("Welcome!", "en", answer=True) in call.handle(Entered(40, True, 1))
