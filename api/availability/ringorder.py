"""Ring orders (pure): which of the user's devices ring when, within one ring step.

- `simultaneous`: every device at once;
- `mobile_after`: the other devices at once, the mobile joins after `mobile_delay` seconds
  (at once when nothing else rings);
- `mobile_first`: the mobile at once, the other devices join after `mobile_delay` seconds
  (at once when no mobile rings);
- `one_after_another`: one device kind at a time, in the order the profile (or the
  exception) lists them, each alone for `ring_each` seconds; the last one rings until the
  step ends.

An app device (the app as a softphone, woken by push) rings as a softphone: where the
profile rings softphones, with their timing and display number.

A device that could only start ringing when the step is already over is left out. The phone
a call comes from never rings for it (a user calling their own number from their mobile).
"""
from __future__ import annotations

from dataclasses import dataclass

from .inputs import Device, Profile, RoutingInputs

MOBILE = "mobile"
DIALLED_MOBILE_ID = 0  # the user's own mobile when it was dialled but is no MEX device
RINGS_AS = {"app": "softphone"}


def ring_kind(kind: str) -> str:
    """The kind of device a profile names for this one (an app device is a softphone)."""
    return RINGS_AS.get(kind, kind)


@dataclass(frozen=True, slots=True)
class Timing:
    delay: int              # seconds after the ring step starts
    stop: int | None        # seconds after the step starts when it stops; None = with the step


def ringing_devices(inputs: RoutingInputs, kinds: tuple[str, ...], caller: str | None,
                    dialled: str) -> list[Device]:
    """The devices of `kinds` that ring, in the order of `kinds` (then as the user has them).

    A call to the user's mobile number rings that very mobile when mobiles ring, as today's
    MEX leg through the trunk, even when it is not set up as a MEX device.
    """
    devices = [d for d in inputs.devices if ring_kind(d.kind) in kinds]
    mobile = inputs.mobile_number
    if dialled == MOBILE and MOBILE in kinds and mobile and \
            not any(d.kind == MOBILE and d.address == mobile for d in devices):
        devices.append(Device(DIALLED_MOBILE_ID, MOBILE, mobile, "Mobile"))
    if caller is not None:
        devices = [d for d in devices if d.address != caller]
    rank = {kind: n for n, kind in enumerate(kinds)}
    return sorted(devices, key=lambda d: rank[ring_kind(d.kind)])  # stable: the user's order per kind


def timings(profile: Profile, devices: list[Device], timeout: int) -> list[Timing | None]:
    """When each of `devices` rings in this step (None: not at all)."""
    order = profile.ring_order
    if order == "one_after_another":
        return _one_after_another(profile, devices, timeout)
    has_mobile = any(d.kind == MOBILE for d in devices)
    has_others = any(d.kind != MOBILE for d in devices)
    out: list[Timing | None] = []
    for d in devices:
        delay = 0  # with nothing to wait for, a device rings at once
        if order == "mobile_after" and d.kind == MOBILE and has_others:
            delay = profile.mobile_delay
        elif order == "mobile_first" and d.kind != MOBILE and has_mobile:
            delay = profile.mobile_delay
        out.append(Timing(delay, None) if delay < timeout else None)
    return out


def _one_after_another(profile: Profile, devices: list[Device], timeout: int
                       ) -> list[Timing | None]:
    kinds: list[str] = []
    for d in devices:
        if ring_kind(d.kind) not in kinds:
            kinds.append(ring_kind(d.kind))
    each = max(1, profile.ring_each)
    starts = {kind: n * each for n, kind in enumerate(kinds) if n * each < timeout}
    last = max(starts.values(), default=None)
    out: list[Timing | None] = []
    for d in devices:
        start = starts.get(ring_kind(d.kind))
        if start is None:
            out.append(None)
        else:
            out.append(Timing(start, None if start == last else start + each))
    return out
