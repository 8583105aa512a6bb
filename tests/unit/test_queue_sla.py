"""SLA alerts (pure): once per breach, after the figure stayed past its threshold long
enough; armed again when it clears."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from api.queues.sla import Rule, State, breached, evaluate

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def _run(rule, values):
    """Feed one value a minute; the minutes at which the alert fired."""
    state, fired = State(), []
    for minute, value in enumerate(values):
        verdict = evaluate(rule, value, T0 + timedelta(minutes=minute), state)
        state = verdict.state
        if verdict.fire:
            fired.append(minute)
    return fired


def test_waiting_calls_above_the_threshold_for_n_minutes_fire_once():
    rule = Rule("waiting_calls", 3, 2)
    assert _run(rule, [5, 5, 5, 5, 5, 5]) == [2]


def test_a_breach_shorter_than_n_minutes_does_not_fire():
    rule = Rule("waiting_calls", 3, 2)
    assert _run(rule, [5, 5, 0, 5, 5, 0]) == []


def test_the_alert_is_armed_again_once_the_figure_is_back_and_fires_on_the_next_breach():
    rule = Rule("longest_wait_s", 60, 0)
    assert _run(rule, [90, 120, 30, 30, 200, 200]) == [0, 4]


def test_too_few_members_logged_in_is_a_breach_below_the_threshold():
    rule = Rule("logged_in", 2, 1)
    assert _run(rule, [3, 1, 1, 1, 2]) == [2]


def test_a_cleared_breach_is_reported_as_cleared():
    rule = Rule("waiting_calls", 0, 0)
    fired = evaluate(rule, 1, T0, State())
    assert fired.fire and not fired.cleared
    back = evaluate(rule, 0, T0 + timedelta(minutes=1), fired.state)
    assert back.cleared and back.state == State()


def test_the_threshold_itself_is_not_a_breach():
    assert not breached(Rule("waiting_calls", 3, 0), 3)
    assert not breached(Rule("logged_in", 2, 0), 2)


def test_an_unknown_metric_is_an_error():
    with pytest.raises(ValueError):
        breached(Rule("mood", 1, 0), 2)
