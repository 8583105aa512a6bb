"""Queue distribution: who rings now, by method, with properties over every member state."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from api.queues.distribution import (ESCALATING, METHODS, RING_ALL, RING_BEST_GROUP,
                                     ROUND_ROBIN, Member, Settings, decide, is_ready)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def member(uid, priority=0, **kw) -> Member:
    return Member(user_id=uid, priority=priority, logged_in=kw.pop("logged_in", True), **kw)


def test_round_robin_rings_the_member_idle_longest():
    members = [member(1, idle_since=T0 - timedelta(minutes=1)),
               member(2, idle_since=T0 - timedelta(minutes=9)),
               member(3, idle_since=T0 - timedelta(minutes=5))]
    assert decide(Settings(ROUND_ROBIN, 20), members, T0).ring == (2,)


def test_round_robin_prefers_a_member_who_never_had_a_call():
    members = [member(1, idle_since=T0 - timedelta(hours=3)), member(2)]
    assert decide(Settings(ROUND_ROBIN, 20), members, T0).ring == (2,)


def test_round_robin_stays_in_the_best_priority_group_that_has_someone_free():
    members = [member(1, 0, in_call=True), member(2, 1, idle_since=T0),
               member(3, 2, idle_since=T0 - timedelta(hours=1))]
    assert decide(Settings(ROUND_ROBIN, 20), members, T0).ring == (2,)


def test_round_robin_moves_on_to_the_next_member_after_a_ring_out():
    members = [member(1, idle_since=T0 - timedelta(minutes=9)),
               member(2, idle_since=T0 - timedelta(minutes=5))]
    assert decide(Settings(ROUND_ROBIN, 20), members, T0, tried=frozenset({1})).ring == (2,)
    # everyone tried: start over with the longest idle
    assert decide(Settings(ROUND_ROBIN, 20), members, T0, tried=frozenset({1, 2})).ring == (1,)


def test_ring_all_rings_every_ready_member_best_priority_first():
    members = [member(1, 2), member(2, 0), member(3, 1, paused=True), member(4, 1)]
    assert decide(Settings(RING_ALL, 20), members, T0).ring == (2, 4, 1)


def test_ring_best_group_rings_only_the_best_priority_with_someone_ready():
    members = [member(1, 0, logged_in=False), member(2, 1), member(3, 1), member(4, 2)]
    assert set(decide(Settings(RING_BEST_GROUP, 20), members, T0).ring) == {2, 3}


@pytest.mark.parametrize("seconds, expected", [
    (0, {1}), (19, {1}), (20, {1, 2}), (40, {1, 2, 3}), (60, {1, 2, 3, 4}), (600, {1, 2, 3, 4})])
def test_escalating_widens_one_priority_step_per_ring_time(seconds, expected):
    members = [member(1, 0), member(2, 1), member(3, 2), member(4, 7)]
    got = decide(Settings(ESCALATING, 20), members, T0 + timedelta(seconds=seconds),
                 started_at=T0)
    assert set(got.ring) == expected


def test_escalating_rings_nobody_until_its_step_reaches_a_ready_member():
    members = [member(1, 0, in_call=True), member(2, 2)]
    assert decide(Settings(ESCALATING, 20), members, T0, started_at=T0).ring == ()
    assert decide(Settings(ESCALATING, 20), members, T0 + timedelta(seconds=40),
                  started_at=T0).ring == (2,)


def test_member_in_wrap_up_is_not_ready_until_it_ends():
    m = member(1, wrapup_until=T0 + timedelta(seconds=10))
    assert not is_ready(m, T0)
    assert is_ready(m, T0 + timedelta(seconds=10))


def test_nobody_ready_rings_nobody_and_says_so():
    d = decide(Settings(RING_ALL, 15), [member(1, logged_in=False)], T0)
    assert d.ring == () and d.reason == "nobody ready" and d.ring_for_s == 15


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        decide(Settings("lottery", 20), [member(1)], T0)


# -- properties ------------------------------------------------------------------------------

members_st = st.lists(
    st.builds(Member, user_id=st.integers(1, 10_000), priority=st.integers(0, 9),
              logged_in=st.booleans(), paused=st.booleans(), in_call=st.booleans(),
              wrapup_until=st.none() | st.integers(-120, 120).map(
                  lambda s: T0 + timedelta(seconds=s)),
              idle_since=st.none() | st.integers(0, 36_000).map(
                  lambda s: T0 - timedelta(seconds=s))),
    max_size=30, unique_by=lambda m: m.user_id)
method_st = st.sampled_from(METHODS)
elapsed_st = st.integers(0, 600)
tried_st = st.frozensets(st.integers(1, 10_000), max_size=10)


@settings(max_examples=400)
@given(members_st, method_st, elapsed_st, tried_st)
def test_never_rings_a_logged_out_paused_busy_or_wrapping_up_member(members, method, elapsed,
                                                                    tried):
    at = T0 + timedelta(seconds=elapsed)
    ring = decide(Settings(method, 20), members, at, started_at=T0, tried=tried).ring
    by_id = {m.user_id: m for m in members}
    for uid in ring:
        m = by_id[uid]
        assert m.logged_in and not m.paused and not m.in_call
        assert m.wrapup_until is None or m.wrapup_until <= at


@settings(max_examples=400)
@given(members_st, method_st, elapsed_st, tried_st)
def test_rings_each_member_at_most_once_and_someone_whenever_the_method_allows(
        members, method, elapsed, tried):
    at = T0 + timedelta(seconds=elapsed)
    ring = decide(Settings(method, 20), members, at, started_at=T0, tried=tried).ring
    assert len(ring) == len(set(ring))
    ready = [m for m in members if is_ready(m, at)]
    if ready and method != ESCALATING:
        assert ring
    if method == ROUND_ROBIN:
        assert len(ring) <= 1
    if method == RING_ALL:
        assert set(ring) == {m.user_id for m in ready}


@settings(max_examples=400)
@given(members_st, st.sampled_from([ROUND_ROBIN, RING_BEST_GROUP]))
def test_respects_priority_no_better_ready_member_is_left_out(members, method):
    ring = decide(Settings(method, 20), members, T0).ring
    ready = [m for m in members if is_ready(m, T0)]
    if ring:
        worst_rung = max(m.priority for m in members if m.user_id in ring)
        assert worst_rung == min(m.priority for m in ready)


@settings(max_examples=400)
@given(members_st, elapsed_st)
def test_escalating_never_rings_beyond_its_current_step(members, elapsed):
    at = T0 + timedelta(seconds=elapsed)
    ring = decide(Settings(ESCALATING, 20), members, at, started_at=T0).ring
    step = elapsed // 20
    if step < 3:
        assert all(m.priority <= step for m in members if m.user_id in ring)
    else:
        assert set(ring) == {m.user_id for m in members if is_ready(m, at)}


@settings(max_examples=150)
@given(st.integers(2, 12), st.integers(1, 60))
def test_round_robin_is_fair_over_time(n_members, n_calls):
    """Equal members answering every call they get: counts never differ by more than one."""
    members = {uid: member(uid) for uid in range(1, n_members + 1)}
    answered: Counter = Counter()
    at = T0
    for _ in range(n_calls):
        (uid,) = decide(Settings(ROUND_ROBIN, 20), list(members.values()), at).ring
        answered[uid] += 1
        at += timedelta(seconds=30)
        members[uid] = replace(members[uid], idle_since=at)
    counts = [answered[uid] for uid in members]
    assert max(counts) - min(counts) <= 1
