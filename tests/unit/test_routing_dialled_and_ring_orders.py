"""The routing decision learns which number was called (office, mobile, main, short) and rings
in four orders: simultaneous, mobile after N s, mobile first, one after another."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings, strategies as st

from api.availability.inputs import (DEVICE_KINDS, DIALLED_KINDS, RING_ORDERS, VOICEMAIL,
                                     Caller, CallerException, Device, ManualChoice)
from api.availability.routing import decide
from tests.unit.availability_data import AVAILABLE, DEVICES, MEETING, at, user

NOON = at(2026, 11, 23, 11)
STRANGER = Caller("+4799999999")
MOBILE = "+4790000002"  # the user's mobile, their MEX device in DEVICES
MOBILE_RINGS_THROUGH = CallerException("anyone", label="My mobile", dialled=frozenset({"mobile"}),
                                       devices=("mobile",))


def in_meeting(*exceptions):
    meeting = replace(MEETING, exceptions=exceptions)
    return user(AVAILABLE, meeting, manual=ManualChoice(meeting.id), mobile_number=MOBILE)


def ring_step(plan):
    return next(s for s in plan.steps if s.action == "ring")


def test_calls_to_my_mobile_ring_through_a_meeting_when_an_exception_says_so():
    plan = decide(in_meeting(MOBILE_RINGS_THROUGH), STRANGER, NOON, False, dialled="mobile")
    assert plan.rule == "exception:0" and plan.dialled == "mobile"
    assert [(t.kind, t.address) for t in ring_step(plan).targets] == [("mobile", MOBILE)]
    assert "called on the mobile number" in plan.reason


def test_calls_to_my_office_number_still_go_to_voicemail_in_that_meeting():
    plan = decide(in_meeting(MOBILE_RINGS_THROUGH), STRANGER, NOON, False, dialled="office")
    assert plan.rule == "when_free"
    assert [s.action for s in plan.steps] == ["announce", "voicemail"]


def test_a_call_to_my_mobile_follows_the_profile_like_an_office_call():
    plan = decide(in_meeting(), STRANGER, NOON, False, dialled="mobile")
    assert [s.action for s in plan.steps] == ["announce", "voicemail"]


def test_a_call_to_my_mobile_rings_the_mobile_itself_even_when_it_is_no_mex_device():
    office_phones = tuple(d for d in DEVICES if d.kind != "mobile")
    inputs = user(devices=office_phones, mobile_number=MOBILE)
    by_mobile = ring_step(decide(inputs, STRANGER, NOON, False, dialled="mobile"))
    assert ("mobile", MOBILE) in [(t.kind, t.address) for t in by_mobile.targets]
    by_office = ring_step(decide(inputs, STRANGER, NOON, False))
    assert "mobile" not in [t.kind for t in by_office.targets]


def test_a_call_to_my_mobile_never_rings_it_twice():
    plan = decide(user(mobile_number=MOBILE), STRANGER, NOON, False, dialled="mobile")
    assert [t.address for t in ring_step(plan).targets].count(MOBILE) == 1


def test_the_phone_a_call_comes_from_does_not_ring_for_it():
    plan = decide(user(mobile_number=MOBILE), Caller(MOBILE, True), NOON, False)
    assert "mobile" not in [t.kind for t in ring_step(plan).targets]


def test_an_exception_for_my_mobile_does_not_catch_calls_to_my_main_or_short_number():
    for dialled in ("main", "short", "office"):
        plan = decide(in_meeting(MOBILE_RINGS_THROUGH), STRANGER, NOON, False, dialled=dialled)
        assert plan.rule == "when_free", dialled


def test_a_caller_exception_limited_to_the_mobile_needs_both_the_caller_and_the_number():
    vip = CallerException("number", frozenset({"+4791111111"}), dialled=frozenset({"mobile"}))
    inputs = in_meeting(vip)
    assert decide(inputs, Caller("+4791111111"), NOON, False, dialled="mobile").rule == \
        "exception:0"
    assert decide(inputs, Caller("+4791111111"), NOON, False).rule == "when_free"
    assert decide(inputs, STRANGER, NOON, False, dialled="mobile").rule == "when_free"


def timing(plan):
    return {t.kind: (t.delay, t.stop) for t in ring_step(plan).targets}


@pytest.mark.parametrize("order,expected", [
    ("simultaneous", {"softphone": (0, None), "deskphone": (0, None), "mobile": (0, None)}),
    ("mobile_after", {"softphone": (0, None), "deskphone": (0, None), "mobile": (8, None)}),
    ("mobile_first", {"softphone": (8, None), "deskphone": (8, None), "mobile": (0, None)}),
    ("one_after_another", {"softphone": (0, 10), "deskphone": (10, None)}),
])
def test_each_ring_order_rings_the_devices_at_their_times(order, expected):
    prof = replace(AVAILABLE, ring_order=order, mobile_delay=8, ring_each=10,
                   no_answer_after=20)
    assert timing(decide(user(prof), STRANGER, NOON, False)) == expected


def test_one_after_another_follows_the_order_the_profile_lists_the_devices_in():
    prof = replace(AVAILABLE, ring_order="one_after_another", ring_each=10, no_answer_after=40,
                   devices=("mobile", "deskphone", "softphone"))
    ring = ring_step(decide(user(prof), STRANGER, NOON, False))
    assert [(t.kind, t.delay, t.stop) for t in ring.targets] == [
        ("mobile", 0, 10), ("deskphone", 10, 20), ("softphone", 20, None)]


def test_one_after_another_rings_two_phones_of_one_kind_together():
    two_softphones = DEVICES + (Device(14, "softphone", "sip:alice-laptop@pbx.example"),)
    prof = replace(AVAILABLE, ring_order="one_after_another", ring_each=10,
                   devices=("softphone", "mobile"))
    ring = ring_step(decide(user(prof, devices=two_softphones), STRANGER, NOON, False))
    assert [(t.device_id, t.delay, t.stop) for t in ring.targets] == [
        (11, 0, 10), (14, 0, 10), (13, 10, None)]


def test_mobile_first_without_a_mobile_rings_the_others_at_once():
    prof = replace(AVAILABLE, ring_order="mobile_first", mobile_delay=8)
    office_phones = tuple(d for d in DEVICES if d.kind != "mobile")
    assert timing(decide(user(prof, devices=office_phones), STRANGER, NOON, False)) == {
        "softphone": (0, None), "deskphone": (0, None)}


# -- Hypothesis ----------------------------------------------------------------------------

kinds = st.lists(st.sampled_from(DEVICE_KINDS), unique=True, min_size=1).map(tuple)


@settings(max_examples=300)
@given(order=st.sampled_from(RING_ORDERS), devices=kinds, delay=st.integers(0, 60),
       each=st.integers(5, 60), timeout=st.integers(5, 120),
       dialled=st.sampled_from(DIALLED_KINDS))
def test_every_ring_order_starts_each_device_within_the_step_and_one_after_another_never_overlaps(
        order, devices, delay, each, timeout, dialled):
    prof = replace(AVAILABLE, ring_order=order, mobile_delay=delay, ring_each=each,
                   no_answer_after=timeout, devices=devices, no_answer=VOICEMAIL)
    plan = decide(user(prof, mobile_number=MOBILE), STRANGER, NOON, False, dialled=dialled)
    steps = [s for s in plan.steps if s.action == "ring"]
    assert steps, "at least the first device rings at once"
    targets = steps[0].targets
    assert min(t.delay for t in targets) == 0
    for t in targets:
        assert 0 <= t.delay < timeout and (t.stop is None or t.delay < t.stop <= timeout)
    if order == "one_after_another":
        turns = sorted({(t.delay, t.stop) for t in targets})
        for (_, stop), (start, _) in zip(turns, turns[1:]):
            assert stop == start                      # the next one starts as one stops
        assert turns[-1][1] is None                   # the last rings to the end of the step
    else:
        assert all(t.stop is None for t in targets)
