"""Ring plans leave out a phone that has not registered at the edge, and say so (pure)."""
from __future__ import annotations

from dataclasses import replace

from api.availability.routing import NOT_REGISTERED, Skipped, decide
from tests.unit.availability_data import AVAILABLE, at, user

NOON = at(2026, 11, 23, 11)


def _rung(plan) -> list[int]:
    return [t.device_id for s in plan.steps if s.action == "ring" for t in s.targets]


def test_an_unregistered_softphone_is_left_out_with_the_reason_and_the_others_ring():
    from api.availability.inputs import Caller

    plan = decide(user(), Caller("+4799999999"), NOON, False, unreachable=frozenset({11}))
    assert _rung(plan) == [12, 13]
    assert plan.skipped == (Skipped(11, "softphone", NOT_REGISTERED),)


def test_when_no_device_can_ring_the_call_goes_on_to_the_no_answer_rule_at_once():
    from api.availability.inputs import Caller

    only_soft = user(replace(AVAILABLE, devices=("softphone",)))
    plan = decide(only_soft, Caller("+4799999999"), NOON, False, unreachable=frozenset({11}))
    assert [s.action for s in plan.steps] == ["voicemail"]
    assert [s.device_id for s in plan.skipped] == [11]


def test_one_after_another_gives_the_ring_time_to_the_devices_that_can_ring():
    from api.availability.inputs import Caller

    turns = user(replace(AVAILABLE, ring_order="one_after_another", ring_each=10,
                         devices=("softphone", "deskphone")))
    plan = decide(turns, Caller("+4799999999"), NOON, False, unreachable=frozenset({11}))
    [ring] = [s for s in plan.steps if s.action == "ring"]
    assert [(t.device_id, t.delay) for t in ring.targets] == [(12, 0)]
