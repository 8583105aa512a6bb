"""Caller priority and the "no agent free" rule in the pure queue decisions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st

from api.queues import priority
from api.queues.distribution import (RING_ALL, ROUND_ROBIN, Member, Settings, admit, decide)
from api.queues.priority import Waiting, ahead_of, caller_priority, in_order, position

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def member(uid, priority=0, **kw) -> Member:
    return Member(user_id=uid, priority=priority, logged_in=kw.pop("logged_in", True), **kw)


def test_a_vip_number_of_the_queue_goes_first():
    assert caller_priority("+4790000001", vip_numbers={"+4790000001"}, vip_contact=False,
                           returned=False) == (priority.VIP, "vip")


def test_a_company_contact_tagged_vip_goes_first():
    assert caller_priority("+4790000002", vip_numbers=set(), vip_contact=True,
                           returned=False) == (priority.VIP, "vip")


def test_a_call_back_from_a_transfer_goes_before_new_callers_but_after_vips():
    assert caller_priority("+4790000003", vip_numbers=set(), vip_contact=False,
                           returned=True) == (priority.RETURNED, "returned")
    assert priority.NORMAL < priority.RETURNED < priority.VIP


def test_an_anonymous_caller_is_never_a_vip():
    assert caller_priority(None, vip_numbers={""}, vip_contact=True, returned=False) == (0, None)


def test_a_vip_who_arrives_last_is_served_first():
    calls = [Waiting(1, 0, T0), Waiting(2, 0, T0 + timedelta(seconds=5)),
             Waiting(3, priority.VIP, T0 + timedelta(seconds=30))]
    assert [w.call_id for w in in_order(calls)] == [3, 1, 2]
    assert position(calls, 3) == 1 and position(calls, 1) == 2
    assert ahead_of(calls, 1) == 1 and ahead_of(calls, 3) == 0


def test_callers_ahead_who_already_ring_someone_or_were_picked_do_not_hold_back_the_next():
    calls = [Waiting(1, 0, T0, ringing=True), Waiting(2, 0, T0 + timedelta(seconds=1),
                                                       target=7),
             Waiting(3, 0, T0 + timedelta(seconds=2))]
    assert ahead_of(calls, 3) == 0


def test_a_free_member_goes_to_the_caller_ahead_not_to_the_one_behind():
    members = [member(1)]
    assert decide(Settings(RING_ALL, 20), members, T0, ahead=1).ring == ()
    assert decide(Settings(ROUND_ROBIN, 20), members, T0, ahead=1).ring == ()
    assert decide(Settings(RING_ALL, 20), members, T0, ahead=0).ring == (1,)


def test_round_robin_gives_the_second_free_member_to_the_second_caller():
    members = [member(1, idle_since=T0 - timedelta(minutes=9)),
               member(2, idle_since=T0 - timedelta(minutes=1))]
    assert decide(Settings(ROUND_ROBIN, 20), members, T0, ahead=0).ring == (1,)
    assert decide(Settings(ROUND_ROBIN, 20), members, T0, ahead=1).ring == (2,)


def test_a_picked_call_rings_only_the_picker_even_when_others_are_free():
    members = [member(1), member(2), member(3, paused=True)]
    assert decide(Settings(RING_ALL, 20), members, T0, target=3).ring == (3,)
    assert decide(Settings(RING_ALL, 20), members, T0, target=2, ahead=4).ring == (2,)


def test_a_picked_call_waits_while_the_picker_is_in_another_call():
    members = [member(1), member(2, in_call=True)]
    assert decide(Settings(RING_ALL, 20), members, T0, target=2).ring == ()


def test_a_queue_that_leaves_when_no_agent_is_free_refuses_a_caller_when_all_are_busy():
    members = [member(1, in_call=True), member(2, paused=True),
               member(3, wrapup_until=T0 + timedelta(seconds=5)), member(4, logged_in=False)]
    got = admit(members, T0, ring_when_empty=False, leave_when_no_agent_free=True)
    assert (got.accepted, got.reason) == (False, "no agent free")
    assert admit(members, T0, ring_when_empty=False, leave_when_no_agent_free=False).accepted


def test_a_queue_without_the_rule_still_refuses_when_nobody_is_logged_in():
    members = [member(1, logged_in=False)]
    assert not admit(members, T0, ring_when_empty=False, leave_when_no_agent_free=False).accepted
    assert admit(members, T0, ring_when_empty=True, leave_when_no_agent_free=False).accepted


def test_one_free_member_is_enough_to_wait():
    members = [member(1, in_call=True), member(2)]
    assert admit(members, T0, ring_when_empty=False, leave_when_no_agent_free=True).accepted


@given(st.lists(st.tuples(st.integers(0, priority.MAX), st.integers(0, 600)), min_size=1,
                max_size=12, unique_by=lambda t: t[1]))
def test_the_queue_order_never_puts_a_lower_priority_or_later_caller_first(raw):
    calls = [Waiting(i, p, T0 + timedelta(seconds=s)) for i, (p, s) in enumerate(raw)]
    ordered = in_order(calls)
    for a, b in zip(ordered, ordered[1:]):
        assert a.priority > b.priority or (a.priority == b.priority
                                           and a.entered_at <= b.entered_at)
    assert sorted(position(calls, w.call_id) for w in calls) == list(range(1, len(calls) + 1))


def test_a_call_picked_by_someone_who_left_the_queue_rings_the_queue_as_usual():
    members = [member(1), member(2)]
    assert decide(Settings(RING_ALL, 20), members, T0, target=9).ring == (1, 2)
