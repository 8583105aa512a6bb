"""From the routing decision (availability's plan) to the steps call control executes (pure).

Softphones and desk phones are dialled at their SIP addresses, mobiles (MEX), external and
main numbers through the trunk, voicemail at its configured SIP address, a colleague and a
queue with a number through this gateway again (so the colleague's own plan or the queue's
handling applies; a queue without a number at the queue service's address). Legs to a
destination other than the user's devices, and a mobile rung through the trunk, carry the
originally called number (Diversion).
"""
from __future__ import annotations

from . import numbers
from .callmessages import (Announce, CallPlan, LeaveMessage, PlayMessage, Reject, RingStep, Step,
                           Target)

CONNECT_TIMEOUT = 120
RECORD_MAX_S = 120   # the longest queue audio (as an upload)


def trunk_target(trunk_uri: str, number: str) -> str:
    """`sip:<number>@<host:port of the trunk>`."""
    host = trunk_uri.split(":", 1)[1] if ":" in trunk_uri else trunk_uri
    host = host.split("@", 1)[-1]
    return f"sip:{number}@{host}"


def to_trunk(uris: dict, number: str) -> str:
    """The trunk's URI for an E.164 number, written as that trunk wants it (`trunk_format`:
    `e164`, `national` or `00`, national meaning `trunk_country`'s)."""
    dialled = numbers.for_trunk(number, uris.get("trunk_format", "e164"),
                                uris.get("trunk_country", "NO"))
    return trunk_target(uris["trunk"], dialled)


def _destination_uri(dest, called: str, uris: dict, colleague_numbers: dict) -> str | None:
    kind, target = dest.kind, dest.target
    if kind == "voicemail":
        return uris["voicemail"].replace("{number}", called)
    if kind == "queue":  # a queue with a number: this gateway's own queue handling
        number = colleague_numbers.get(f"queue:{target}")
        return trunk_target(uris["self"], number) if number else \
            uris["queue"].replace("{id}", str(target))
    if kind in ("main_number", "external") and target:
        return to_trunk(uris, target)
    if kind == "colleague":
        number = colleague_numbers.get(str(target))
        return trunk_target(uris["self"], number) if number else None
    return None


def own_voicemail(uris: dict) -> bool:
    """No voicemail address is configured: this gateway answers voicemail itself."""
    return not uris.get("voicemail")


def mailbox_step(mailbox, uris: dict) -> Step:
    """The gateway's own voicemail for the user or a queue
    (`api.gateway_port.voicemail.Mailbox`): the greeting and the recording, or, when the
    mailbox is full, the caller is told so."""
    if mailbox is None:
        return Reject(480)
    if mailbox.full:
        return PlayMessage(mailbox.text, mailbox.language)
    return LeaveMessage(mailbox.tenant_id, mailbox.user_id, mailbox.reason, mailbox.text,
                        mailbox.language, mailbox.greeting,
                        float(uris.get("voicemail_max_s", 180.0)),
                        float(uris.get("voicemail_silence_s", 10.0)), mailbox.queue_id)


def call_plan(plan, called: str, uris: dict, colleague_numbers: dict | None = None,
              mailbox=None) -> CallPlan:
    """`plan` is `api.availability.routing.Plan`; `uris`: trunk, voicemail, queue, self;
    `mailbox`: the user's, when the plan ends in this gateway's own voicemail."""
    steps: list[Step] = []
    has_devices = False
    for step in plan.steps:
        if step.action == "announce":
            steps.append(Announce(step.text or "", step.language or plan.language))
        elif step.action == "ring":
            # a mobile rung through the trunk (MEX) is a forwarded leg to the carrier: it
            # carries the number called (Diversion, History-Info) like any other
            targets = tuple(
                Target(t.kind, t.address, t.delay,
                       ring_for=None if t.stop is None else t.stop - t.delay)
                if t.address.startswith("sip") else
                Target(t.kind, to_trunk(uris, t.address), t.delay, diverted_from=called,
                       ring_for=None if t.stop is None else t.stop - t.delay)
                for t in step.targets if t.address)
            if targets:
                has_devices = True
                steps.append(RingStep(targets, step.timeout or 25, devices=True))
        elif step.action == "voicemail" and own_voicemail(uris):
            if steps and isinstance(steps[-1], Announce) and mailbox is not None \
                    and not mailbox.full:
                steps.pop()  # the greeting says the status itself, or the user's own replaces it
            steps.append(mailbox_step(mailbox, uris))
        elif step.action in ("voicemail", "forward"):
            uri = _destination_uri(step.destination, called, uris, colleague_numbers or {})
            if uri is None:
                steps.append(Reject(480))
            else:
                kind = "voicemail" if step.action == "voicemail" else "forward"
                steps.append(RingStep((Target(kind, uri, diverted_from=called),),
                                      CONNECT_TIMEOUT, devices=False))
        elif step.action == "play_message":
            steps.append(PlayMessage(step.text or "", step.language or plan.language))
        elif step.action == "busy_tone":
            steps.append(Reject(486))
        else:
            steps.append(Reject(480))
    return CallPlan(tuple(steps), push=has_devices, busy=plan.rule == "when_busy")


def ringing(plan: CallPlan | None) -> tuple[str, ...]:
    """The kinds of the user's devices the plan rings first (what the push says rings:
    `mobile` means the mobile network rings the phone itself)."""
    step = next((s for s in (plan.steps if plan else ()) if isinstance(s, RingStep)
                 and s.devices), None)
    return tuple(sorted({t.kind for t in step.targets})) if step else ()


def voicemail_plan(called: str, uris: dict) -> CallPlan:
    """When no routing is possible (database unreachable, nothing known): voicemail at its
    address; the gateway's own needs the database (whose mailbox?): 480 then."""
    if own_voicemail(uris):
        return CallPlan((Reject(480),), push=False)
    uri = uris["voicemail"].replace("{number}", called)
    return CallPlan((RingStep((Target("voicemail", uri, diverted_from=called),),
                              CONNECT_TIMEOUT, devices=False),), push=False)


def outbound_plan(uri: str, display_number: str | None) -> CallPlan:
    """A user's device calling out through the trunk, presenting `display_number`."""
    return CallPlan((RingStep((Target("trunk", uri, from_number=display_number),),
                              CONNECT_TIMEOUT, devices=False),), push=False)


def own_devices_step(devices, uris: dict, timeout: float) -> RingStep | None:
    """The user's own devices ((kind, address) pairs) ringing for `timeout` seconds: a SIP
    device at its address, a mobile through the trunk; None when there is none."""
    targets = tuple(Target(kind, address if address.startswith("sip") else
                           to_trunk(uris, address)) for kind, address in devices if address)
    return RingStep(targets, max(1, round(timeout)), devices=True) if targets else None


# what the caller's side of a with-return transfer hears when the target's plan would not
# ring the target's own devices: busy (their when-busy rule applied) or not available (Do not
# disturb, a voicemail profile, a meeting that forwards), and when their devices ring out
TRANSFER_BUSY, TRANSFER_UNAVAILABLE, TRANSFER_NO_ANSWER = 486, 480, 408


def with_return_plan(plan: CallPlan, timeout: float) -> CallPlan | int:
    """A transfer with return rings the target's own devices, never their voicemail or
    forwarding: the devices of the plan's first ring step, for `timeout` seconds (then 408,
    the transfer's no answer), or, when the plan would not ring them first (announcements
    aside), the status that sends the call back at once with the reason: 486 busy (their
    when-busy rule, or a busy tone), else 480 not available."""
    for step in plan.steps:
        if isinstance(step, Announce):
            continue
        if isinstance(step, RingStep) and step.devices:
            return CallPlan((RingStep(step.targets, max(1, round(timeout)), devices=True),
                             Reject(TRANSFER_NO_ANSWER)), push=plan.push)
        if isinstance(step, Reject) and step.status == TRANSFER_BUSY:
            return TRANSFER_BUSY   # their plan answers busy (a busy tone)
        break
    return TRANSFER_BUSY if plan.busy else TRANSFER_UNAVAILABLE


def record_plan(recording, uris: dict) -> CallPlan:
    """A team leader records a queue's welcome or waiting message by phone
    (`api.gateway_port.QueueRecording`): the prompt, the tone, then what they say, kept as the
    queue's audio; a gateway without its own voicemail storage cannot record (480)."""
    if not uris.get("voicemail_dir"):
        return CallPlan((Reject(480),), push=False)
    return CallPlan((LeaveMessage(recording.tenant_id, None, "queue_audio", recording.prompt,
                                  recording.language, None, float(RECORD_MAX_S),
                                  float(uris.get("voicemail_silence_s", 10.0)),
                                  recording.queue_id, record_for=recording.kind),), push=False)


def message_plan(text: str, language: str) -> CallPlan:
    return CallPlan((PlayMessage(text, language),), push=False)
