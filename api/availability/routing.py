"""The routing decision (pure): who is called, by whom, when, busy or not -> an executable plan.

The SIP gateway executes the plan's `steps` in order:
- `announce`: play `text` (in `language`) to the caller, then go on;
- `ring`: ring every target, each after its `delay` seconds (until its `stop`, when it has
  one: sequential ringing), for at most `timeout` seconds from the start of the step; an
  answer ends the plan, otherwise go on;
- `voicemail`, `forward` (to `destination`), `play_message` (`text`, then hang up),
  `busy_tone`, `hangup`: terminal.
The last step is always terminal, so every plan ends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .announce import language_of, referral
from .inputs import Caller, Destination, Profile, RoutingInputs
from .ringorder import ring_kind, ringing_devices, timings
from .state import State, state_at

TERMINAL = ("voicemail", "forward", "play_message", "busy_tone", "hangup")


@dataclass(frozen=True, slots=True)
class RingTarget:
    device_id: int
    kind: str
    address: str          # SIP URI or E.164
    delay: int            # seconds after the ring step starts
    display_number: str | None  # what this device shows on outgoing calls in this profile
    stop: int | None = None     # seconds after the step starts when it stops (sequential)


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    text: str | None = None
    language: str | None = None
    targets: tuple[RingTarget, ...] = ()
    timeout: int | None = None
    destination: Destination | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    profile_id: int
    profile_name: str
    source: str               # manual, schedule, calendar, default
    until: datetime | None
    note: str | None
    busy: bool
    rule: str                 # when_free, when_busy or exception:<n>
    reason: str               # for "why did it do that"
    language: str
    steps: tuple[Step, ...]
    on_no_answer: Destination | None
    display_numbers: dict     # device kind -> E.164 while this profile is active
    dialled: str = "office"   # which of the user's numbers was called (DIALLED_KINDS)
    caller: str | None = None  # the calling number in E.164, None when withheld
    profile_key: str | None = None  # the standard profile's stable key, None for a user's own
    skipped: tuple["Skipped", ...] = ()  # devices left out of the ring step, and why


NOT_REGISTERED = "not registered at the SIP edge"


@dataclass(frozen=True, slots=True)
class Skipped:
    device_id: int
    kind: str
    reason: str


def _terminal(dest: Destination, profile: Profile) -> Step:
    kind = dest.kind
    if kind == "voicemail":
        return Step("voicemail", destination=dest)
    if kind == "busy_tone":
        return Step("busy_tone", destination=dest)
    if kind == "audio_message":
        return Step("play_message", text=dest.target or profile.name, destination=dest)
    if kind in ("colleague", "queue", "main_number", "external"):
        return Step("forward", destination=dest)
    return Step("hangup")


def _targets(inputs: RoutingInputs, profile: Profile, kinds: tuple[str, ...],
             timeout: int, caller: Caller, dialled: str, unreachable: frozenset[int]
             ) -> tuple[tuple[RingTarget, ...], tuple[Skipped, ...]]:
    """The ring step's targets, and the devices left out (`unreachable`: no registration)."""
    devices = ringing_devices(inputs, kinds, caller.number, dialled)
    skipped = tuple(Skipped(d.id, d.kind, NOT_REGISTERED) for d in devices
                    if d.id in unreachable)
    devices = [d for d in devices if d.id not in unreachable]
    default_display = inputs.office_number
    return tuple(
        RingTarget(device.id, device.kind, device.address, when.delay,
                   profile.display_numbers.get(ring_kind(device.kind), default_display), when.stop)
        for device, when in zip(devices, timings(profile, devices, timeout))
        if when is not None), skipped


def _pick_rule(profile: Profile, caller: Caller, busy: bool, dialled: str):
    """(rule name, exception, destination, device kinds, announce) for this call."""
    for n, exc in enumerate(profile.exceptions):
        if exc.applies_to(caller.number, caller.is_colleague, dialled):
            kinds = profile.devices if exc.devices is None else exc.devices
            return f"exception:{n}", exc, exc.destination, kinds, exc.announce
    if busy:
        return "when_busy", None, profile.when_busy, profile.devices, profile.announce
    return "when_free", None, profile.when_free, profile.devices, profile.announce


def plan_for(inputs: RoutingInputs, state: State, caller: Caller, at: datetime,
             busy: bool, dialled: str = "office",
             unreachable: frozenset[int] = frozenset()) -> Plan:
    """`unreachable`: the user's devices that cannot ring now (at their address of record
    with no registration at the edge); they are left out with the reason."""
    profile = state.profile
    lang = language_of(inputs.language)
    rule, exc, dest, kinds, announce = _pick_rule(profile, caller, busy, dialled)
    steps: list[Step] = []
    if announce:
        steps.append(Step("announce", text=referral(profile.key, profile.name, state.until, at,
                                                    inputs.timezone, lang), language=lang))
    on_no_answer, skipped = None, ()
    if dest.kind == "ring":
        timeout = max(1, profile.no_answer_after)
        targets, skipped = _targets(inputs, profile, kinds, timeout, caller, dialled,
                                    unreachable)
        if targets:
            steps.append(Step("ring", targets=targets, timeout=timeout))
        on_no_answer = profile.no_answer if profile.no_answer.kind != "ring" else None
        steps.append(_terminal(on_no_answer or Destination("hangup"), profile))
    else:
        steps.append(_terminal(dest, profile))
    why = f"profile {profile.name!r} (id {profile.id}) from {state.rule}; rule {rule}"
    if exc is not None:
        why += f" ({exc.label or exc.match})"
    if dialled != "office":
        why += f"; called on the {dialled} number"
    return Plan(profile.id, profile.name, state.source, state.until, state.note, busy, rule,
                why, lang, tuple(steps), on_no_answer, dict(profile.display_numbers), dialled,
                caller.number, profile.key, skipped)


def decide(inputs: RoutingInputs, caller: Caller, at: datetime, busy: bool,
           dialled: str = "office", unreachable: frozenset[int] = frozenset()) -> Plan:
    """The plan for a call to `inputs.user_id` from `caller` at the aware instant `at`, on
    the user's `dialled` number (office, mobile, main or short)."""
    return plan_for(inputs, state_at(inputs, at), caller, at, busy, dialled, unreachable)
