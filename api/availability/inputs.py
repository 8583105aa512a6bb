"""What the routing decision is made of: plain, immutable values (no I/O).

The service layer loads them from the database (`services.routing_inputs`); the SIP gateway,
the preview endpoint, the tests and the benchmark all hand them to `routing.decide`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

DEVICE_KINDS = ("softphone", "deskphone", "mobile")
DESTINATION_KINDS = ("ring", "voicemail", "colleague", "queue", "main_number", "external",
                     "audio_message", "busy_tone")
TARGETED = {"colleague", "queue", "main_number", "external", "audio_message"}
RECURRENCES = ("none", "daily", "weekly", "monthly", "yearly")
MATCHES = ("number", "list", "colleagues", "anyone")
DIALLED_KINDS = ("office", "mobile", "main", "short")  # which of the user's numbers was called
RING_ORDERS = ("simultaneous", "mobile_after", "mobile_first", "one_after_another")


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a call goes. `ring` = ring my devices; `target` is a user id (colleague), a queue
    id (queue), an E.164 number (main_number, external) or the text to play (audio_message)."""

    kind: str
    target: str | None = None


RING = Destination("ring")
VOICEMAIL = Destination("voicemail")
BUSY_TONE = Destination("busy_tone")


@dataclass(frozen=True, slots=True)
class CallerException:
    """A different rule for some calls: from one number, a named list (VIPs), colleagues or
    anyone, and, when `dialled` is given, only to those of the user's numbers ("calls to my
    mobile ring through during a meeting")."""

    match: str
    numbers: frozenset[str] = frozenset()
    label: str = ""
    destination: Destination = RING
    devices: tuple[str, ...] | None = None  # device kinds that ring; None = the profile's
    announce: bool = False
    dialled: frozenset[str] | None = None   # DIALLED_KINDS it applies to; None = any

    def applies_to(self, number: str | None, is_colleague: bool,
                   dialled: str = "office") -> bool:
        if self.dialled is not None and dialled not in self.dialled:
            return False
        if self.match == "anyone":
            return True
        if self.match == "colleagues":
            return is_colleague
        return number is not None and number in self.numbers


@dataclass(frozen=True, slots=True)
class Profile:
    id: int
    name: str
    key: str | None = None          # the standard profile it started as (available, meeting..)
    is_default: bool = False        # Available: the fallback, cannot be deleted
    priority: int = 100             # lowest number wins among overlapping schedules
    devices: tuple[str, ...] = DEVICE_KINDS
    ring_order: str = "simultaneous"  # one of RING_ORDERS
    mobile_delay: int = 0           # mobile_after: the mobile joins; mobile_first: the others
    ring_each: int = 15             # one_after_another: seconds each device kind rings alone
    when_free: Destination = RING
    when_busy: Destination = VOICEMAIL
    no_answer: Destination = VOICEMAIL
    no_answer_after: int = 25
    announce: bool = False
    exceptions: tuple[CallerException, ...] = ()
    display_numbers: dict = field(default_factory=dict)  # device kind -> E.164
    colour: str = "#2e7d32"
    icon: str = "check"
    note: str | None = None
    queue_logout: list | str = field(default_factory=list)  # queue ids, or "all"
    activation_code: str | None = None


@dataclass(frozen=True, slots=True)
class Device:
    id: int
    kind: str
    address: str  # SIP URI (softphone, desk phone) or E.164 (mobile)
    label: str = ""


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    """A profile in force from `start` to `end`, wall-clock times in the tenant's time zone,
    repeated daily, weekly (on `weekdays`, Monday = 0), monthly or yearly until `repeat_until`."""

    id: int
    profile_id: int
    start: datetime  # naive local wall time
    end: datetime    # naive local wall time, after start
    recurrence: str = "none"
    weekdays: frozenset[int] = frozenset()
    repeat_until: date | None = None
    # derived once, in local seconds since 0001-01-01 (the decision runs many times)
    start_s: int = field(init=False, repr=False, compare=False)
    length: int = field(init=False, repr=False, compare=False)
    last_day: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        start_s = local_seconds(self.start)
        object.__setattr__(self, "start_s", start_s)
        object.__setattr__(self, "length", local_seconds(self.end) - start_s)
        last = self.repeat_until.toordinal() if self.repeat_until and \
            self.recurrence != "none" else None
        object.__setattr__(self, "last_day", last)
        if not self.weekdays:
            object.__setattr__(self, "weekdays", frozenset({self.start.weekday()}))


def local_seconds(local: datetime) -> int:
    """A naive wall time as seconds since 0001-01-01 00:00 (ordinal days * 86400 + time)."""
    return local.toordinal() * 86400 + local.hour * 3600 + local.minute * 60 + local.second


@dataclass(frozen=True, slots=True)
class BusyPeriod:
    """A busy event of the user's calendar (aware instants)."""

    start: datetime
    end: datetime
    summary: str = ""


@dataclass(frozen=True, slots=True)
class ManualChoice:
    profile_id: int
    until: datetime | None = None  # aware; None = until changed
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Caller:
    number: str | None = None  # E.164, None when withheld
    is_colleague: bool = False


@dataclass(frozen=True, slots=True)
class RoutingInputs:
    user_id: int
    timezone: str = "Europe/Oslo"
    language: str = "nb"
    office_number: str | None = None
    profiles: tuple[Profile, ...] = ()
    devices: tuple[Device, ...] = ()
    schedules: tuple[ScheduleEntry, ...] = ()
    busy_periods: tuple[BusyPeriod, ...] = ()
    manual: ManualChoice | None = None
    mobile_number: str | None = None  # the user's own mobile (rings when it was dialled)

    def profile(self, profile_id: int | None) -> Profile | None:
        for p in self.profiles:
            if p.id == profile_id:
                return p
        return None

    def default_profile(self) -> Profile:
        for p in self.profiles:
            if p.is_default:
                return p
        return self.profiles[0] if self.profiles else FALLBACK


FALLBACK = Profile(id=0, name="Available", key="available", is_default=True)
