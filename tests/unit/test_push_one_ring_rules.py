"""One ring per phone, decided in the pure push plan and the gateway's plan: the mobile
network ringing the phone itself means no VoIP push to it."""
from __future__ import annotations

from push import payloads
from sip_gateway.core.callmessages import CallPlan, RingStep, Target
from sip_gateway.core.plans import ringing
from tests.unit.test_push_rules import ALERT, ANDROID, CALL, VOIP, kinds

MEX = {**CALL, "ringing": ["mobile", "softphone"]}


def test_a_mex_call_reaches_the_iphone_as_one_time_sensitive_alert_and_android_as_data():
    messages, _ = payloads.plan("incoming_call", "c1", MEX, [VOIP, ALERT, ANDROID], {})
    assert kinds(messages) == [(2, "alert"), (3, "data")]
    assert messages[0].body["aps"]["interruption-level"] == "time-sensitive"
    assert messages[1].body["ringing"] == '["mobile","softphone"]'


def test_the_end_of_a_mex_call_clears_the_alert_it_showed():
    ended = {"reason": "answered", "ringing": ["mobile"]}
    messages, _ = payloads.plan("call_ended", "c1", ended, [VOIP, ALERT, ANDROID], {})
    assert kinds(messages) == [(2, "alert"), (3, "data")]
    assert messages[0].collapse_id == "call-c1"


def test_an_iphone_with_only_a_voip_token_gets_nothing_while_its_mobile_rings():
    messages, _ = payloads.plan("incoming_call", "c1", MEX, [VOIP], {})
    assert messages == []


def test_a_missed_call_alert_is_not_time_sensitive():
    messages, _ = payloads.plan("missed_call", "c1", MEX, [ALERT], {})
    assert "interruption-level" not in messages[0].body["aps"]


def test_the_push_names_the_device_kinds_of_the_first_step_that_rings_the_user():
    soft, mobile = Target("softphone", "sip:s@h"), Target("mobile", "sip:+47@trunk", delay=10)
    plan = CallPlan((RingStep((Target("voicemail", "sip:vm@h"),), 60, devices=False),
                     RingStep((soft, mobile), 25), RingStep((soft,), 25)))
    assert ringing(plan) == ("mobile", "softphone")
    assert ringing(CallPlan((RingStep((soft,), 25),))) == ("softphone",)
    assert ringing(None) == ()
