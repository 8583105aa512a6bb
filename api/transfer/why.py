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

from ..availability.announce import status_text
from i18n import N_, day_and_clock, tr
from i18n.shared import returned_reason

IN_CALL = N_("{who} is on another call")


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
                 at: datetime | None, lang: str = "en") -> str:
    """"Anna is in a meeting until 13:00", "Anna did not answer", .. in `lang` for the push."""
    who = target or tr(lang, "The target")
    chosen = rule(reason, status)
    if chosen == "status":
        return _status(who, status, at, lang)
    if chosen == "in_call":
        return tr(lang, IN_CALL, who=who)
    return returned_reason(who, reason, lang)


def _status(who: str, status: TargetStatus, at: datetime | None, lang: str) -> str:
    known = status_text(status.key, lang)
    day, time = (None, None)
    if status.until:
        day, time = day_and_clock(status.until, at or status.until, _zone(status.timezone), lang)
    if known is None:
        if time is None:
            return tr(lang, "{who}: {status}", who=who, status=status.name)
        if day is None:
            return tr(lang, "{who}: {status} until {time}", who=who, status=status.name,
                      time=time)
        return tr(lang, "{who}: {status} until {day} at {time}", who=who, status=status.name,
                  day=day, time=time)
    if time is None:
        return tr(lang, "{who} is {status}", who=who, status=known)
    if day is None:
        return tr(lang, "{who} is {status} until {time}", who=who, status=known, time=time)
    return tr(lang, "{who} is {status} until {day} at {time}", who=who, status=known,
              day=day, time=time)


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
