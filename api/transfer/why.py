"""Why a transfer came back, in words for the person it came back to (pure: values in, text
out; no I/O, no clock).

The `transfer_returned` push says it: from the colleague's availability when that explains
it ("Anna is in a meeting until 13:00"), else from what the gateway saw ("Anna did not
answer", "Anna is busy"). The rules, first match wins:

1. the target answered "declined" (they chose not to take it): that;
2. a colleague whose availability is not Available: their status, with its end;
3. a colleague in another call who was busy or did not answer: "on another call";
4. otherwise the reason the gateway saw.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..availability.announce import STATUS
from ..availability.announce import _when as when_text

REASONS = {"no_answer": "{who} did not answer", "busy": "{who} is busy",
           "declined": "{who} declined the call", "unavailable": "{who} is not available",
           "not_found": "{who} could not be reached"}
OTHERWISE = "{who} could not take the call"
IN_CALL = "{who} is on another call"


@dataclass(frozen=True)
class TargetStatus:
    """A colleague's availability when the transfer came back."""

    key: str | None            # the standard profile (available, meeting, ..) or None (own)
    name: str                  # the profile's name, as the app shows it
    until: datetime | None = None
    in_call: bool = False
    timezone: str = "UTC"      # the company's, for "until 13:00"


def rule(reason: str | None, status: TargetStatus | None) -> str:
    """Which rule applies: `declined`, `status`, `in_call` or `reason`."""
    if reason == "declined":
        return "declined"
    if status is not None and status.key != "available":
        return "status"
    if status is not None and status.in_call and reason in ("busy", "no_answer"):
        return "in_call"
    return "reason"


def why_returned(target: str, reason: str | None, status: TargetStatus | None,
                 at: datetime | None) -> str:
    """"Anna is in a meeting until 13:00.", "Anna did not answer", .. for the push."""
    who = target or "The target"
    chosen = rule(reason, status)
    if chosen == "status":
        until = f" until {when_text(status.until, at, _zone(status.timezone), 'en')}" \
            if status.until else ""
        known = STATUS["en"].get(status.key or "")
        if known is not None:
            return f"{who} is {known}{until}"
        return f"{who}: {status.name}{until}"
    if chosen == "in_call":
        return IN_CALL.format(who=who)
    return REASONS.get(reason or "", OTHERWISE).format(who=who)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
