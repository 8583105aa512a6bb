"""SLA alerts (pure): when a queue's figure has been past its threshold for long enough,
tell the team leaders once; once the figure is back within it, the alert is armed again.

Metrics: `waiting_calls` and `longest_wait_s` breach above the threshold, `logged_in`
(members logged in) below it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ABOVE = ("waiting_calls", "longest_wait_s")
BELOW = ("logged_in",)
METRICS = ABOVE + BELOW


@dataclass(frozen=True)
class Rule:
    metric: str
    threshold: int
    for_minutes: int


@dataclass(frozen=True)
class State:
    breach_since: datetime | None = None   # the figure has been past the threshold since
    fired_at: datetime | None = None       # the alert went out for the current breach


@dataclass(frozen=True)
class Verdict:
    state: State
    fire: bool        # send the alert now
    cleared: bool     # the breach just ended (the alert is armed again)


def breached(rule: Rule, value: int) -> bool:
    if rule.metric in ABOVE:
        return value > rule.threshold
    if rule.metric in BELOW:
        return value < rule.threshold
    raise ValueError(f"unknown SLA metric {rule.metric!r}")


def evaluate(rule: Rule, value: int, at: datetime, state: State) -> Verdict:
    """The rule's new state after reading `value` at `at`."""
    if not breached(rule, value):
        return Verdict(State(), False, state.breach_since is not None)
    since = state.breach_since or at
    due = at - since >= timedelta(minutes=rule.for_minutes)
    fire = due and state.fired_at is None
    return Verdict(State(since, at if fire else state.fired_at), fire, False)
