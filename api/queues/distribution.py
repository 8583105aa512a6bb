"""Queue distribution: which members to ring now (pure: plain values in, plain values out).

Inputs are the queue's settings, its members as the caller sees them at one instant, the
instant itself and when this call started being distributed; the output names the members
to ring, in order, and for how long. Nothing here reads a clock or a database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ROUND_ROBIN = "round_robin"
RING_ALL = "ring_all"
RING_BEST_GROUP = "ring_best_group"
ESCALATING = "escalating"
METHODS = (ROUND_ROBIN, RING_ALL, RING_BEST_GROUP, ESCALATING)

ESCALATION_STEPS = 3  # priority 0, then 0-1, then 0-2, then everyone


@dataclass(frozen=True)
class Settings:
    method: str
    ring_time_s: int


@dataclass(frozen=True)
class Member:
    user_id: int
    priority: int                         # 0 is highest
    logged_in: bool
    paused: bool = False
    in_call: bool = False                 # busy with any call (queue or not)
    wrapup_until: datetime | None = None  # not ready before this instant
    idle_since: datetime | None = None    # end of the last queue call (None: never had one)


@dataclass(frozen=True)
class Decision:
    ring: tuple[int, ...]   # user ids, in the order to ring them
    ring_for_s: int         # how long before asking again
    reason: str


def is_ready(member: Member, at: datetime) -> bool:
    """Logged in, not paused, not in a call and out of wrap-up."""
    return (member.logged_in and not member.paused and not member.in_call
            and (member.wrapup_until is None or member.wrapup_until <= at))


def _idle_key(member: Member) -> tuple:
    """Longest idle first: never-called members before anyone, then the oldest call end."""
    if member.idle_since is None:
        return (0, member.user_id)
    return (1, member.idle_since, member.user_id)


def escalation_level(started_at: datetime, at: datetime, ring_time_s: int) -> int | None:
    """The highest priority allowed to ring at `at`; None means everyone."""
    step = int((at - started_at).total_seconds() // max(1, ring_time_s))
    return None if step >= ESCALATION_STEPS else max(0, step)


@dataclass(frozen=True)
class Admission:
    accepted: bool
    reason: str


def admit(members: list[Member] | tuple[Member, ...], at: datetime, *, ring_when_empty: bool,
          leave_when_no_agent_free: bool) -> Admission:
    """Does a new caller wait in the queue, or go straight to its overflow?

    Refused when nobody is logged in (unless the queue rings when empty), and, when the
    queue says so, when no member is free (every one logged in is busy, paused, ringing for
    another caller or in wrap-up).
    """
    if leave_when_no_agent_free and not any(is_ready(m, at) for m in members):
        return Admission(False, "no agent free")
    if not ring_when_empty and not any(m.logged_in for m in members):
        return Admission(False, "nobody logged in")
    return Admission(True, "waiting")


def decide(settings: Settings, members: list[Member] | tuple[Member, ...], at: datetime, *,
           started_at: datetime | None = None, tried: frozenset[int] = frozenset(),
           ahead: int = 0, target: int | None = None) -> Decision:
    """The members to ring now for one waiting call.

    `tried` holds members who already rang for this call without answering: round robin
    moves on to the next one (and starts over when everyone ready has been tried).
    `started_at` is when distribution of this call began (escalation counts steps from it).
    `ahead` counts the callers before this one in the queue's order (priority, then time)
    who ring nobody yet: free members go to them first. `target` is the one member a
    picked or assigned call rings (when free: not in a call), whatever the method; a target
    no longer among the members is ignored.
    """
    ring_for = max(1, settings.ring_time_s)
    chosen_member = next((m for m in members if m.user_id == target), None)
    if chosen_member is not None:   # (one who left the queue since: the queue rings as usual)
        if chosen_member.in_call:
            return Decision((), ring_for, "waiting for the chosen member")
        return Decision((target,), ring_for, "chosen")
    ready = [m for m in members if is_ready(m, at)]
    if not ready:
        return Decision((), ring_for, "nobody ready")
    if ahead > 0 and settings.method != ROUND_ROBIN:
        return Decision((), ring_for, f"{ahead} caller(s) ahead")
    method = settings.method
    if method == RING_ALL:
        chosen = ready
    elif method == RING_BEST_GROUP:
        best = min(m.priority for m in ready)
        chosen = [m for m in ready if m.priority == best]
    elif method == ESCALATING:
        level = escalation_level(started_at or at, at, settings.ring_time_s)
        chosen = ready if level is None else [m for m in ready if m.priority <= level]
        if not chosen:
            return Decision((), ring_for, f"nobody ready up to priority {level}")
    elif method == ROUND_ROBIN:
        untried = [m for m in ready if m.user_id not in tried] or ready
        turns = sorted(untried, key=lambda m: (m.priority, _idle_key(m)))
        if ahead >= len(turns):
            return Decision((), ring_for, f"{ahead} caller(s) ahead")
        chosen = [turns[ahead]]
    else:
        raise ValueError(f"unknown distribution method {method!r}")
    ordered = sorted(chosen, key=lambda m: (m.priority, _idle_key(m)))
    return Decision(tuple(m.user_id for m in ordered), ring_for, method)
