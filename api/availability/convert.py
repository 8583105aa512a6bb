"""Rows -> the plain values the pure decision takes."""
from __future__ import annotations

from . import inputs as pure
from .models import BusyPeriod, Device, Profile, Schedule, State


# a destination without a target is one shared value: the profiles each process keeps per
# user (eight each, three destinations per profile) hold no copies of it
_PLAIN = {d.kind: d for d in (pure.RING, pure.VOICEMAIL, pure.BUSY_TONE)}


def destination(data: dict | None, default: pure.Destination) -> pure.Destination:
    if not data or not data.get("kind"):
        return default
    target = data.get("target")
    if target is None and data["kind"] in _PLAIN:
        return _PLAIN[data["kind"]]
    return pure.Destination(data["kind"], None if target is None else str(target))


def exception(data: dict) -> pure.CallerException:
    devices = data.get("devices")
    dialled = data.get("dialled")
    return pure.CallerException(
        match=data.get("match", "number"), numbers=frozenset(data.get("numbers") or ()),
        label=data.get("label") or "", destination=destination(data.get("destination"),
                                                                pure.RING),
        devices=None if devices is None else tuple(devices),
        announce=bool(data.get("announce", False)),
        dialled=None if not dialled else frozenset(dialled))


def profile(row: Profile) -> pure.Profile:
    return pure.Profile(
        id=row.id, name=row.name, key=row.key, is_default=row.is_default, priority=row.priority,
        devices=tuple(row.devices or ()), ring_order=row.ring_order,
        mobile_delay=row.mobile_delay, ring_each=row.ring_each, when_free=destination(row.when_free, pure.RING),
        when_busy=destination(row.when_busy, pure.VOICEMAIL),
        no_answer=destination(row.no_answer, pure.VOICEMAIL),
        no_answer_after=row.no_answer_after, announce=row.announce,
        exceptions=tuple(exception(e) for e in row.exceptions or ()),
        display_numbers=dict(row.display_numbers or {}), colour=row.colour, icon=row.icon,
        note=row.note, queue_logout=row.queue_logout, activation_code=row.activation_code)


def device(row: Device) -> pure.Device | None:
    """A device that rings for office calls (a mobile only when it is a MEX extension)."""
    if not row.enabled or (row.kind == "mobile" and not row.mex):
        return None
    address = row.number if row.kind == "mobile" else row.sip_uri
    return pure.Device(row.id, row.kind, address or "", row.label) if address else None


def schedule(row: Schedule) -> pure.ScheduleEntry:
    return pure.ScheduleEntry(row.id, row.profile_id, row.starts, row.ends, row.recurrence,
                              frozenset(row.weekdays or ()), row.repeat_until)


def busy(row: BusyPeriod) -> pure.BusyPeriod:
    return pure.BusyPeriod(row.starts_at, row.ends_at, row.summary)


def manual(row: State | None) -> pure.ManualChoice | None:
    if row is None or row.profile_id is None:
        return None
    return pure.ManualChoice(row.profile_id, row.until, row.note)


def snapshot(p: pure.Profile) -> dict:
    """What the availability_changed hook carries about a profile."""
    return {"profile_id": p.id, "name": p.name, "key": p.key, "is_default": p.is_default,
            "queue_logout": p.queue_logout}
