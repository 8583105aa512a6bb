"""Reading an iCalendar file within bounds: a hostile file cannot keep a worker busy.

Limits: the file's size, the number of events, the occurrences of one event and of all events
in the window, and the time and memory the reading takes. Recurrences are expanded one series
at a time and the reading stops at the first limit passed. `read_bounded` runs the reading in
a child process that is killed past its time budget and cannot grow past its memory budget,
so even a rule that the expansion library spends minutes on costs a request only that budget.
"""
from __future__ import annotations

import concurrent.futures
import resource
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from pebble import ProcessExpired, concurrent as pebble_concurrent

from i18n import N_

from ..core.errors import field_error

MAX_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 2000            # events (VEVENT) in one file
MAX_PER_EVENT = 1000         # occurrences of one event in the window
MAX_OCCURRENCES = 5000       # occurrences of all events in the window
MAX_RULE_STEPS = 200_000     # candidates one rule steps through up to the window's end
MAX_TOTAL_STEPS = 1_000_000  # the same for all rules together
PARSE_SECONDS = 3.0          # the reading, in its own process
PARSE_MEMORY = 384 * 1024 * 1024  # address space the reading may add


TOO_LARGE = N_("the calendar is larger than 2 MB")
UNREADABLE = N_("not a readable iCalendar file ({error})")


class CalendarRefused(Exception):
    """The file is not read; the message says why, for the person who gave it."""


def busy_periods(ics: str, tz_name: str, start: datetime, end: datetime
                 ) -> list[tuple[datetime, datetime, str]]:
    """(start, end, summary) of the busy events between start and end, in UTC.

    Raises `CalendarRefused` for an unreadable file or one past a limit."""
    if len(ics) > MAX_BYTES:
        raise CalendarRefused(TOO_LARGE)
    if ics.upper().count("BEGIN:VEVENT") > MAX_EVENTS:
        raise CalendarRefused(N_("the calendar has more than {n} events").format(n=MAX_EVENTS))
    try:
        cal = icalendar.Calendar.from_ical(ics)
        _check_rule_steps(cal, end)
        series = recurring_ical_events.of(cal).series
    except (CalendarRefused, MemoryError):
        raise
    except Exception as exc:  # the libraries raise many kinds on malformed input
        raise CalendarRefused(UNREADABLE.format(error=type(exc).__name__))
    tz = ZoneInfo(tz_name)
    days = max(1, (end - start).days)
    out: list[tuple[datetime, datetime, str]] = []
    total = 0
    for one in series:
        count = 0
        try:
            for occurrence in one.between(start, end):
                count += 1
                total += 1
                if count > MAX_PER_EVENT:
                    raise CalendarRefused(N_("an event repeats more than {n} times in {days} "
                                             "days").format(n=MAX_PER_EVENT, days=days))
                if total > MAX_OCCURRENCES:
                    raise CalendarRefused(N_("the calendar has more than {n} meetings in {days} "
                                             "days").format(n=MAX_OCCURRENCES, days=days))
                period = _busy(occurrence.as_component(False), tz)
                if period is not None:
                    out.append(period)
        except (CalendarRefused, MemoryError):
            raise
        except Exception as exc:  # a broken rule in one event
            raise CalendarRefused(UNREADABLE.format(error=type(exc).__name__))
    return out


_PERIOD = {"SECONDLY": timedelta(seconds=1), "MINUTELY": timedelta(minutes=1),
           "HOURLY": timedelta(hours=1), "DAILY": timedelta(days=1),
           "WEEKLY": timedelta(days=7), "MONTHLY": timedelta(days=28),
           "YEARLY": timedelta(days=365)}
_EXPANDING = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
              "BYWEEKNO", "BYMONTH", "BYSETPOS")


def _check_rule_steps(cal, end: datetime) -> None:
    """Refuse a rule whose expansion would step through too many candidates: the expansion
    walks every period from DTSTART (each period yielding up to the product of its BY-lists)
    before it returns the first occurrence in the window."""
    total = 0.0
    for ev in cal.walk("VEVENT"):
        rule = ev.get("RRULE")
        if rule is None:
            continue
        period = _PERIOD.get(str((rule.get("FREQ") or [""])[0]).upper())
        start = ev.decoded("DTSTART")
        if period is None or not isinstance(start, (datetime, date)):
            continue
        if not isinstance(start, datetime):
            start = datetime(start.year, start.month, start.day)
        start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
        interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
        steps = max(1.0, (end - start) / (period * interval))
        for part in _EXPANDING:
            steps *= max(1, len(rule.get(part) or []))
        if steps > MAX_RULE_STEPS:
            raise CalendarRefused(N_("an event repeats too often to read (its rule {event} "
                                     "steps through about {n} times)").format(
                event=repr(str(ev.get("SUMMARY", ""))[:40]), n=f"{int(steps):,}"))
        total += steps
        if total > MAX_TOTAL_STEPS:
            raise CalendarRefused(N_("the events repeat too often to read (their rules step "
                                     "through more than {n} times together)").format(
                n=f"{MAX_TOTAL_STEPS:,}"))


def _busy(ev, tz: ZoneInfo) -> tuple[datetime, datetime, str] | None:
    if str(ev.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT" or \
            str(ev.get("STATUS", "")).upper() == "CANCELLED":
        return None
    s, e = ev.get("DTSTART"), ev.get("DTEND")
    if s is None or e is None or not isinstance(s.dt, datetime) \
            or not isinstance(e.dt, datetime):
        return None  # all-day events do not make anyone "in a meeting"
    s_dt = s.dt if s.dt.tzinfo else s.dt.replace(tzinfo=tz)
    e_dt = e.dt if e.dt.tzinfo else e.dt.replace(tzinfo=tz)
    if e_dt <= s_dt:
        return None
    return (s_dt.astimezone(timezone.utc), e_dt.astimezone(timezone.utc),
            str(ev.get("SUMMARY", ""))[:200])


def limit_memory(extra_bytes: int) -> None:
    """Let this process's address space grow by at most `extra_bytes` from now on."""
    with open("/proc/self/statm") as f:
        current = int(f.read().split()[0]) * resource.getpagesize()
    limit = current + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _read_in_child(ics: str, tz_name: str, start: datetime, end: datetime,
                   memory: int) -> tuple[str, object]:
    limit_memory(memory)
    try:
        return "ok", busy_periods(ics, tz_name, start, end)
    except CalendarRefused as exc:
        return "refused", str(exc)
    except MemoryError:
        return "refused", "the calendar needs too much memory to read"


def read_bounded(ics: str, tz_name: str, start: datetime, end: datetime, *, field: str,
                 seconds: float = PARSE_SECONDS, memory: int = PARSE_MEMORY
                 ) -> list[tuple[datetime, datetime, str]]:
    """`busy_periods` in a child process within `seconds` and `memory`; a 422 on `field`
    (the upload or the feed URL) for a file that is refused or over its budget."""
    if len(ics) > MAX_BYTES:  # not worth a process
        raise field_error(field, TOO_LARGE)
    run = pebble_concurrent.process(timeout=seconds, daemon=True)(_read_in_child)
    try:
        kind, value = run(ics, tz_name, start, end, memory).result()
    except concurrent.futures.TimeoutError:
        raise field_error(field, N_("the calendar takes too long to read (over {seconds} s)"),
                          seconds=f"{seconds:g}")
    except (ProcessExpired, MemoryError):
        raise field_error(field, N_("the calendar needs too much memory to read"))
    if kind != "ok":
        raise field_error(field, str(value))
    return value  # type: ignore[return-value]
