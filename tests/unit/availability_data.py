"""Building blocks for the routing tests: a user with the standard profiles and three devices."""
from __future__ import annotations

from datetime import datetime, timezone

from api.availability.inputs import (BUSY_TONE, RING, VOICEMAIL, CallerException, Destination,
                                     Device, Profile, RoutingInputs)

UTC = timezone.utc
AVAILABLE = Profile(1, "Available", key="available", is_default=True, priority=100,
                    activation_code="*80")
BUSY = Profile(2, "Busy", key="busy", priority=50, colour="#c62828", activation_code="*81")
MEETING = Profile(3, "In a meeting", key="meeting", priority=40, announce=True,
                  when_free=VOICEMAIL, activation_code="*82")
LUNCH = Profile(4, "Lunch", key="lunch", priority=60, announce=True, devices=("mobile",),
                no_answer_after=20, activation_code="*83")
DND = Profile(8, "Do not disturb", key="dnd", priority=10, devices=(), when_free=BUSY_TONE,
              when_busy=BUSY_TONE, no_answer=BUSY_TONE, activation_code="*87")
DEVICES = (Device(11, "softphone", "sip:alice@pbx.example"),
           Device(12, "deskphone", "sip:2101@pbx.example"),
           Device(13, "mobile", "+4790000002"))
VIP = "+4791111111"


def vip_rings_mobile(profile: Profile) -> Profile:
    """The classic: calls from VIPs ring my mobile even in this profile."""
    exc = CallerException("list", frozenset({VIP}), "VIPs", RING, ("mobile",))
    return _replace(profile, exceptions=(exc,))


def _replace(profile: Profile, **changes) -> Profile:
    from dataclasses import replace
    return replace(profile, **changes)


def user(*profiles: Profile, **kw) -> RoutingInputs:
    kw.setdefault("devices", DEVICES)
    return RoutingInputs(user_id=7, timezone="Europe/Oslo", language=kw.pop("language", "en"),
                         office_number="+4721000002",
                         profiles=profiles or (AVAILABLE, BUSY, MEETING, LUNCH, DND), **kw)


def at(y, mo, d, h=12, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


FORWARD_EXTERNAL = Destination("external", "+4722222222")
