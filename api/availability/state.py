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

from .inputs import BusyPeriod, Profile, RoutingInputs, ScheduleEntry

DAY = 86400
MEETING_KEY = "meeting"


@dataclass(frozen=True, slots=True)
class State:
    profile: Profile
    source: str                  # manual, schedule, calendar or default
    until: datetime | None       # aware UTC; None = until changed
    note: str | None
    rule: str                    # why: "manual choice", "schedule 4", "calendar: Standup", ...


def _secs(local: datetime) -> int:
    return local.toordinal() * DAY + local.hour * 3600 + local.minute * 60 + local.second


def _occurrence_start(entry: ScheduleEntry, now_s: int) -> int | None:
    """Local-seconds start of the latest occurrence that starts at or before `now_s`."""
    first = _secs(entry.start)
    if now_s < first:
        return None
    rec = entry.recurrence
    if rec == "none":
        return first
    tod = first % DAY
    today = now_s // DAY
    if rec == "daily":
        day = today if now_s % DAY >= tod else today - 1
        return day * DAY + tod
    if rec == "weekly":
        weekdays = entry.weekdays or frozenset({entry.start.weekday()})
        for back in range(8):
            day = today - back
            start = day * DAY + tod
            if (day - 1) % 7 in weekdays and first <= start <= now_s:
                return start
        return None
    now_d = date.fromordinal(today)
    dom = entry.start.day
    candidates = []
    if rec == "monthly":
        y, m = now_d.year, now_d.month
        for _ in range(3):
            if dom <= calendar.monthrange(y, m)[1]:
                candidates.append(date(y, m, dom))
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    elif rec == "yearly":
        for y in (now_d.year, now_d.year - 1):
            if entry.start.month != 2 or dom != 29 or calendar.isleap(y):
                candidates.append(date(y, entry.start.month, dom))
    for d in candidates:
        start = d.toordinal() * DAY + tod
        if first <= start <= now_s:
            return start
    return None


def schedule_window(entry: ScheduleEntry, local_now: datetime) -> tuple[int, int] | None:
    """(start, end) in local seconds of the occurrence in force at `local_now`, or None."""
    now_s = _secs(local_now)
    start = _occurrence_start(entry, now_s)
    if start is None:
        return None
    if entry.repeat_until is not None and entry.recurrence != "none" \
            and start // DAY > entry.repeat_until.toordinal():
        return None
    end = start + (_secs(entry.end) - _secs(entry.start))
    return (start, end) if now_s < end else None


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
        local = at.astimezone(tz).replace(tzinfo=None)
        best = None
        for entry in inputs.schedules:
            window = schedule_window(entry, local)
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
