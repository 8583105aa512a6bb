"""Which devices a transfer with return rings (pure): the target's own devices only, or the
status that sends the call back at once with the reason."""
from __future__ import annotations

import pytest

from sip_gateway.core import plans
from sip_gateway.core.callmessages import Announce, CallPlan, Reject, RingStep, Target
from sip_gateway.core.transfercontrol import REASONS

SOFT = Target("softphone", "sip:bob@10.0.0.5")
MOBILE = Target("mobile", "sip:4791111111@trunk", delay=10)
VOICEMAIL = RingStep((Target("voicemail", "sip:vm@vm", diverted_from="+4721000003"),), 120,
                     devices=False)


def test_an_available_colleague_rings_on_their_devices_for_the_transfer_timeout_and_no_further():
    plan = CallPlan((RingStep((SOFT, MOBILE), 25), VOICEMAIL))
    got = plans.with_return_plan(plan, 20)
    assert got == CallPlan((RingStep((SOFT, MOBILE), 20), Reject(plans.TRANSFER_NO_ANSWER)))
    assert REASONS[plans.TRANSFER_NO_ANSWER] == "no_answer"


def test_the_spoken_referral_is_skipped_and_the_devices_still_ring():
    plan = CallPlan((Announce("Bob is in a meeting", "en"), RingStep((SOFT,), 25), VOICEMAIL))
    assert plans.with_return_plan(plan, 15).steps[0] == RingStep((SOFT,), 15)


@pytest.mark.parametrize("steps", [
    (Announce("In a meeting", "en"), VOICEMAIL),   # a meeting that forwards to voicemail
    (VOICEMAIL,),                                  # a voicemail profile
    (Reject(480),),                                # Do not disturb
    (RingStep((Target("forward", "sip:4722222222@trunk", diverted_from="+47"),), 120,
              devices=False),),                    # forwarding to another number
])
def test_a_plan_that_would_not_ring_the_colleague_sends_the_call_back_as_not_available(steps):
    status = plans.with_return_plan(CallPlan(steps), 20)
    assert status == plans.TRANSFER_UNAVAILABLE and REASONS[status] == "unavailable"


def test_a_colleague_whose_when_busy_rule_applies_sends_the_call_back_as_busy():
    status = plans.with_return_plan(CallPlan((VOICEMAIL,), busy=True), 20)
    assert REASONS[status] == "busy"


def test_a_colleague_whose_plan_answers_with_a_busy_tone_sends_the_call_back_as_busy():
    assert REASONS[plans.with_return_plan(CallPlan((Reject(486),)), 20)] == "busy"


def test_declined_busy_no_answer_and_not_available_are_told_apart():
    assert [REASONS[s] for s in (603, 486, 408, 480)] == ["declined", "busy", "no_answer",
                                                          "unavailable"]


# -- a call the user's own phone placed comes back to their devices -------------------------

def test_a_returned_outgoing_call_rings_the_users_sip_devices_directly_and_the_mobile_via_trunk():
    uris = {"trunk": "sip:trunk@10.0.0.1:5060"}
    step = plans.own_devices_step((("deskphone", "sip:desk@10.0.0.7"),
                                   ("mobile", "+4791111111")), uris, 25.0)
    assert step == RingStep((Target("deskphone", "sip:desk@10.0.0.7"),
                             Target("mobile", "sip:+4791111111@10.0.0.1:5060")), 25)


def test_a_user_without_devices_has_nothing_to_ring_when_the_call_comes_back():
    assert plans.own_devices_step((), {"trunk": "sip:t@h"}, 25.0) is None
