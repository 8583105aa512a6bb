"""The gateway's own voicemail as a pure machine: greeting, key to skip, tone and recording,
the ways a message ends; and the plan step a voicemail destination becomes."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from sip_gateway.core import plans
from sip_gateway.core.callcontrol import CallControl
from sip_gateway.core.callmessages import (Announce, AnswerCaller, Bridge, CallerHungUp,
                                      CallPlan, CancelTimer, CommandDone, Dial, HangupCaller,
                                      HangupCommand, LeaveMessage, LegAnswered, LegFailed,
                                      LogCall, Play, PlaybackDone, PlayMessage, Reject, RingStep,
                                      Routed, StartTimer, StartVoicemail, StopPlay, Target,
                                      TimerFired, WriteState)
from sip_gateway.core.transfercontrol import CompleteTransfer, StartTransfer
from sip_gateway.core.voicemailcontrol import (ENDED, GREETING, RECORDING, TABLE, Begin,
                                               DiscardMessage, Key,
                                               PlayFile, SaveMessage, Silence, StartRecording,
                                               State, StopRecording, VoicemailControl)

STEP = LeaveMessage(1, 7, "profile", "The person you are calling is out of office.", "en",
                    None, 120.0, 8.0)


def machine(step: LeaveMessage = STEP) -> VoicemailControl:
    vm = VoicemailControl(step)
    vm.handle(Begin())
    return vm


def test_a_caller_hears_the_spoken_default_greeting_when_the_user_recorded_none():
    vm = VoicemailControl(STEP)
    assert vm.handle(Begin()) == [AnswerCaller(), Play(STEP.text, "en", answer=True)]
    assert vm.state is GREETING


def test_the_users_own_greeting_is_played_instead():
    own = LeaveMessage(1, 7, "busy", "busy text", "en", "/v/1/7/a.wav")
    assert VoicemailControl(own).handle(Begin()) == [AnswerCaller(), PlayFile("/v/1/7/a.wav")]


def test_after_the_greeting_the_tone_and_the_recording_start_with_the_longest_message_timer():
    vm = machine()
    assert vm.handle(PlaybackDone()) == [StartRecording(8.0), StartTimer("vm_max", 120.0)]
    assert vm.state is RECORDING


def test_a_key_during_the_greeting_skips_it():
    vm = machine()
    assert vm.handle(Key("1")) == [StopPlay(), StartRecording(8.0), StartTimer("vm_max", 120.0)]
    assert vm.handle(PlaybackDone()) == []  # the greeting's late end changes nothing


def test_hanging_up_during_the_greeting_leaves_no_message():
    vm = machine()
    out = vm.handle(CallerHungUp())
    assert SaveMessage() not in out and StopRecording() not in out
    assert out == [StopPlay(), WriteState("ended"), LogCall("missed")]


@pytest.mark.parametrize("ending,hangs_up", [
    (CallerHungUp(), False), (Silence(), True), (TimerFired("vm_max"), True), (Key("#"), True)])
def test_a_message_is_kept_however_the_recording_ends(ending, hangs_up):
    vm = machine()
    vm.handle(PlaybackDone())
    out = vm.handle(ending)
    assert out[:2] == [StopRecording(), SaveMessage()]
    assert (HangupCaller() in out) is hangs_up
    assert out[-1] == LogCall("missed") and vm.state is ENDED
    assert vm.handle(CallerHungUp()) == []  # over: later inputs are ignored


def test_other_keys_while_recording_are_part_of_the_message():
    vm = machine()
    vm.handle(PlaybackDone())
    assert vm.handle(Key("5")) == [] and vm.state is RECORDING


def test_a_hangup_command_keeps_the_message_and_reports_done():
    vm = machine()
    vm.handle(PlaybackDone())
    out = vm.handle(HangupCommand(42))
    assert CommandDone(42, "done") in out and SaveMessage() in out and HangupCaller() in out


def test_an_input_the_state_does_not_accept_ends_the_call_and_keeps_what_was_recorded():
    vm = machine()
    vm.handle(PlaybackDone())
    out = vm.handle(Begin())
    assert type(out[0]).__name__ == "Failed" and SaveMessage() in out and vm.state is ENDED


@pytest.mark.parametrize("state", [s for s in State if s is not ENDED])
def test_every_state_has_a_way_out_when_the_caller_hangs_up(state):
    assert (state, CallerHungUp) in TABLE


def test_the_mailbox_takes_the_call_in_the_same_machine_when_the_plan_reaches_voicemail():
    cc = CallControl()
    out = cc.handle(Routed(CallPlan((STEP,), push=False)))
    assert out[-3:] == [StartVoicemail(STEP), AnswerCaller(), Play(STEP.text, "en", answer=True)]
    assert cc.state.value == "voicemail" and cc.current is GREETING
    assert cc.handle(Key("5")) == [StopPlay(), StartRecording(STEP.silence_s),
                                   StartTimer("vm_max", STEP.max_s)]
    assert cc.current is RECORDING
    assert cc.handle(Silence())[:2] == [StopRecording(), SaveMessage()] and cc.over


def _plan(*actions):
    steps = tuple(SimpleNamespace(action=a, text="referral", language="en", targets=(),
                                  timeout=25, destination=SimpleNamespace(kind=a, target=None))
                  for a in actions)
    return SimpleNamespace(steps=steps, language="en", rule="when_free")


def _mailbox(full=False):
    return SimpleNamespace(tenant_id=1, user_id=7, full=full, reason="profile",
                           text="greeting" if not full else "full", language="nb",
                           greeting=None, queue_id=None)


URIS = {"trunk": "sip:127.0.0.1:5070", "voicemail": "", "queue": "sip:q@x", "self": "sip:x",
        "voicemail_max_s": 60, "voicemail_silence_s": 5}


def test_without_a_voicemail_address_the_plan_leaves_a_message_with_the_gateway():
    got = plans.call_plan(_plan("announce", "voicemail"), "+4721000001", URIS, {}, _mailbox())
    assert got.steps == (LeaveMessage(1, 7, "profile", "greeting", "nb", None, 60.0, 5.0),)


def test_a_full_mailbox_tells_the_caller_and_records_nothing():
    got = plans.call_plan(_plan("voicemail"), "+4721000001", URIS, {}, _mailbox(full=True))
    assert got.steps == (PlayMessage("full", "nb"),)


def test_with_a_voicemail_address_the_call_is_forwarded_there_as_before():
    uris = {**URIS, "voicemail": "sip:vm@10.0.0.9"}
    got = plans.call_plan(_plan("announce", "voicemail"), "+4721000001", uris, {}, None)
    assert isinstance(got.steps[0], Announce) and got.steps[1].targets[0].uri == "sip:vm@10.0.0.9"
    assert plans.voicemail_plan("+4721000001", URIS).steps == (Reject(480),)


def test_the_spoken_default_says_the_status_and_its_end_in_the_companys_language():
    from datetime import datetime, timedelta, timezone

    from api.voicemail import spoken

    at = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)          # 10:00 in Oslo
    assert spoken.default_greeting("profile", "out_of_office", "Out of office",
                                   at + timedelta(hours=4), at, "Europe/Oslo", "nb") == (
        "Personen du ringer til, er ikke på kontoret til 14:00. "
        "Legg igjen en beskjed etter tonen.")
    assert spoken.default_greeting("busy", None, "Busy", None, at, "Europe/Stockholm",
                                   "sv") == ("Personen du söker är upptagen i ett annat samtal. "
                                             "Lämna ett meddelande efter tonen.")
    assert spoken.greeting_kind("profile") == "away"
    assert spoken.greeting_kind("no_answer") == "unavailable"



def _in_voicemail(recording: bool = True) -> CallControl:
    cc = CallControl()
    cc.handle(Routed(CallPlan((STEP,), push=False)))
    if recording:
        cc.handle(Key("5"))
    return cc


def _transfer(method: str, command_id: int = 9):
    return StartTransfer(command_id, 3, method, Target("transfer", "sip:200@gw"), 30,
                         back=(RingStep((Target("softphone", "sip:me@phone"),), 20, True),))


def test_a_blind_transfer_from_the_app_moves_a_caller_leaving_a_message_on_and_drops_the_message():
    cc = _in_voicemail()
    out = cc.handle(_transfer("blind"))
    assert out[:3] == [StopRecording(), DiscardMessage(), CancelTimer("vm_max")]
    assert SaveMessage() not in out
    dial = [a for a in out if isinstance(a, Dial)]
    assert [d.target.uri for d in dial] == ["sip:200@gw"]
    assert cc.current.value == "transferring" and not cc.over
    out = cc.handle(LegAnswered(dial[0].leg))              # the target answers: they talk
    assert Bridge(dial[0].leg) in out and cc.current.value == "bridged"
    assert cc.mailbox.state is None                        # the mailbox let go of the call


def test_a_transfer_during_the_greeting_stops_it_and_records_nothing():
    out = _in_voicemail(recording=False).handle(_transfer("with_return"))
    assert out[:2] == [StopPlay(), DiscardMessage()] and StopRecording() not in out


def test_a_transfer_with_return_from_voicemail_nobody_answers_rings_the_user_again():
    cc = _in_voicemail()
    target = [a for a in cc.handle(_transfer("with_return")) if isinstance(a, Dial)][0].leg
    out = cc.handle(LegFailed(target, 486))
    assert [a.target.uri for a in out if isinstance(a, Dial)] == ["sip:me@phone"]
    assert cc.current.value == "ringing"


def test_an_attended_transfer_or_a_completion_in_voicemail_is_refused_and_the_message_goes_on():
    cc = _in_voicemail()
    assert cc.handle(_transfer("attended")) == [
        CommandDone(9, "refused: the caller is in voicemail, nobody to consult with")]
    assert cc.handle(CompleteTransfer(10)) == [
        CommandDone(10, "refused: no transfer possible now")]
    assert cc.current is RECORDING and not cc.over          # nothing ended, nothing dropped
    assert cc.handle(Silence())[:2] == [StopRecording(), SaveMessage()]


def test_the_user_takes_a_call_back_from_voicemail_their_devices_ring_and_they_talk():
    from sip_gateway.core.callmessages import Push
    from sip_gateway.core.mailbox import TakeBack, TakenBack

    cc = _in_voicemail()
    devices = (RingStep((Target("softphone", "sip:me@phone"),), 20, True),)
    out = cc.handle(TakeBack(4, devices))
    assert out[:4] == [StopRecording(), DiscardMessage(), CancelTimer("vm_max"), TakenBack()]
    assert CommandDone(4, "done") in out and Push("incoming") in out and SaveMessage() not in out
    dial = [a for a in out if isinstance(a, Dial)]
    assert [d.target.uri for d in dial] == ["sip:me@phone"] and cc.current.value == "ringing"
    out = cc.handle(LegAnswered(dial[0].leg))
    assert Bridge(dial[0].leg) in out and cc.current.value == "bridged"


def test_taking_back_a_call_that_is_not_in_voicemail_is_refused_and_the_call_goes_on():
    from sip_gateway.core.mailbox import TakeBack

    cc = CallControl()
    cc.handle(Routed(CallPlan((RingStep((Target("softphone", "sip:me@phone"),), 20, True),),
                              push=False)))
    assert cc.handle(TakeBack(5, ())) == [CommandDone(5, "refused: the call is not in voicemail")]
    assert cc.current.value == "ringing"
