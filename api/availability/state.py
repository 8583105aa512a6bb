"""The state in force at an instant (pure): a manual choice until it ends, else the schedule
(lowest priority number wins), else the calendar ("In a meeting until <end>"), else Available.

Schedules are wall-clock times in the tenant's time zone: "09:00-17:00 daily" is in force
while the local clock shows 09:00 to 17:00, on daylight-saving days too.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .inputs import BusyPeriod, Profile, RoutingInputs, ScheduleEntry, local_seconds

DAY = 86400
MEETING_KEY = "meeting"


@dataclass(frozen=True, slots=True)
class State:
    profile: Profile
    source: str                  # manual, schedule, calendar or default
    until: datetime | None       # aware UTC; None = until changed
    note: str | None
    rule: str                    # why: "manual choice", "schedule 4", "calendar: Standup", ...


def _occurrence_start(entry: ScheduleEntry, now_s: int) -> int | None:
    """Local-seconds start of the latest occurrence that starts at or before `now_s`."""
    first = entry.start_s
    rec = entry.recurrence
    if rec == "none":
        return first
    if rec == "daily":
        return now_s - (now_s - first) % DAY
    tod = first % DAY
    today = now_s // DAY
    if rec == "weekly":
        day = today if now_s % DAY >= tod else today - 1
        weekdays = entry.weekdays
        for _ in range(7):
            if (day - 1) % 7 in weekdays:
                start = day * DAY + tod
                return start if start >= first else None
            day -= 1
        return None
    now_d = date.fromordinal(today)
    dom = entry.start.day
    if rec == "monthly":
        y, m = now_d.year, now_d.month
        for _ in range(3):
            if dom <= 28 or dom <= calendar.monthrange(y, m)[1]:
                start = date(y, m, dom).toordinal() * DAY + tod
                if start <= now_s:
                    return start if start >= first else None
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        return None
    for y in (now_d.year, now_d.year - 1):  # yearly
        if entry.start.month != 2 or dom != 29 or calendar.isleap(y):
            start = date(y, entry.start.month, dom).toordinal() * DAY + tod
            if start <= now_s:
                return start if start >= first else None
    return None


def schedule_window(entry: ScheduleEntry, now_s: int) -> tuple[int, int] | None:
    """(start, end) in local seconds of the occurrence in force at `now_s`, or None."""
    if now_s < entry.start_s:
        return None
    start = _occurrence_start(entry, now_s)
    if start is None or now_s >= start + entry.length:
        return None
    if entry.last_day is not None and start // DAY > entry.last_day:
        return None
    return start, start + entry.length


def _local_to_utc(local_s: int, tz: ZoneInfo) -> datetime:
    day, rest = divmod(local_s, DAY)
    naive = datetime.fromordinal(day) + timedelta(seconds=rest)
    return naive.replace(tzinfo=tz).astimezone(timezone.utc)


def _calendar_until(periods: tuple[BusyPeriod, ...], at: datetime) -> BusyPeriod | None:
    """The busy period around `at`, extended over meetings that follow without a gap."""
    hit = None
    for p in periods:
        if p.start <= at < p.end and (hit is None or p.end > hit.end):
            hit = p
    if hit is None:
        return None
    end, grew = hit.end, True
    while grew:
        grew = False
        for p in periods:
            if p.start <= end < p.end:
                end, grew = p.end, True
    return BusyPeriod(hit.start, end, hit.summary)


def state_at(inputs: RoutingInputs, at: datetime) -> State:
    """The state in force at the aware instant `at`."""
    manual = inputs.manual
    if manual is not None and (manual.until is None or at < manual.until):
        profile = inputs.profile(manual.profile_id)
        if profile is not None:
            return State(profile, "manual", manual.until, manual.note, "manual choice")
    if inputs.schedules:
        tz = ZoneInfo(inputs.timezone)
        now_s = local_seconds(at.astimezone(tz))
        best = None
        for entry in inputs.schedules:
            # every occurrence starts at the same local time of day: a cheap first sieve
            if now_s < entry.start_s or (entry.length < DAY
                                         and (now_s - entry.start_s) % DAY >= entry.length):
                continue
            window = schedule_window(entry, now_s)
            if window is None:
                continue
            profile = inputs.profile(entry.profile_id)
            if profile is None:
                continue
            rank = (profile.priority, entry.id)
            if best is None or rank < best[0]:
                best = (rank, profile, entry, window)
        if best is not None:
            _, profile, entry, window = best
            return State(profile, "schedule", _local_to_utc(window[1], tz), profile.note,
                         f"schedule {entry.id} (priority {profile.priority})")
    if inputs.busy_periods:
        meeting = next((p for p in inputs.profiles if p.key == MEETING_KEY), None)
        period = _calendar_until(inputs.busy_periods, at) if meeting is not None else None
        if period is not None:
            return State(meeting, "calendar", period.end.astimezone(timezone.utc),
                         meeting.note, f"calendar: {period.summary}".strip())
    profile = inputs.default_profile()
    return State(profile, "default", None, profile.note, "no choice, schedule or meeting")
