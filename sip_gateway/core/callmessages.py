"""The values call control speaks: the plan it executes, the inputs it accepts, the actions
it asks for (plain frozen dataclasses, no I/O)."""
from __future__ import annotations

from dataclasses import dataclass

# -- the plan the machine executes (built by `sip_gateway.plans` from the routing decision) --


@dataclass(frozen=True, slots=True)
class Target:
    """Somewhere to dial: a device, voicemail, a colleague, a number through the trunk."""

    kind: str                 # softphone, deskphone, mobile, voicemail, forward, trunk
    uri: str
    delay: int = 0            # seconds after the ring step starts
    diverted_from: str | None = None  # the originally called number (Diversion header)
    from_number: str | None = None    # present this number (outbound calls, queue members)
    ring_for: int | None = None       # cancelled after this many seconds of ringing
                                      # (sequential ringing); None = until the step ends
    from_display: str | None = None   # the display name shown with it (queue members)


@dataclass(frozen=True, slots=True)
class Announce:
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class RingStep:
    targets: tuple[Target, ...]
    timeout: int              # seconds; nobody answered -> the next step
    devices: bool = True      # the user's own devices (push, "answered" in the call log)


@dataclass(frozen=True, slots=True)
class PlayMessage:
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Reject:
    status: int               # 486 busy, 480 unavailable, 404 unknown number


@dataclass(frozen=True, slots=True)
class LeaveMessage:
    """The gateway's own voicemail: a greeting, a tone, then the caller's message recorded
    (`sip_gateway.core.voicemailcontrol`)."""

    tenant_id: int
    user_id: int | None       # None: a queue's mailbox (`queue_id`), its overflow
    reason: str               # no_answer, busy, profile; queue
    text: str                 # the spoken default greeting
    language: str
    greeting: str | None = None  # the user's own recording (WAV), played instead of `text`
    max_s: float = 180.0      # the longest message
    silence_s: float = 10.0   # this long without a sound ends the message
    queue_id: int | None = None
    record_for: str | None = None  # the queue's audio recorded by phone (greeting, message):
    #                                kept as that instead of a message


Step = Announce | RingStep | PlayMessage | Reject | LeaveMessage


@dataclass(frozen=True, slots=True)
class CallPlan:
    steps: tuple[Step, ...]
    push: bool = True         # the who's-calling push before the first device rings
    busy: bool = False        # the user's when-busy rule: what it diverts to is user-busy


# -- inputs -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Routed:
    plan: CallPlan


@dataclass(frozen=True, slots=True)
class RouteFailed:
    status: int               # 404 unknown number, 403 not allowed, 503 no routing


@dataclass(frozen=True, slots=True)
class LegProgress:
    leg: int


@dataclass(frozen=True, slots=True)
class LegAnswered:
    leg: int


@dataclass(frozen=True, slots=True)
class LegFailed:
    leg: int
    status: int


@dataclass(frozen=True, slots=True)
class LegHungUp:
    leg: int


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    pass


@dataclass(frozen=True, slots=True)
class TimerFired:
    name: str


@dataclass(frozen=True, slots=True)
class PlaybackDone:
    pass


@dataclass(frozen=True, slots=True)
class HangupCommand:
    command_id: int


Event = (Routed | RouteFailed | LegProgress | LegAnswered | LegFailed | LegHungUp | CallerHungUp
         | TimerFired | PlaybackDone | HangupCommand)

# -- actions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Push:
    kind: str                 # incoming, ended, missed
    reason: str = ""          # for ended: answered, ended


@dataclass(frozen=True, slots=True)
class Dial:
    leg: int
    target: Target
    diversion: str = ""       # a target with `diverted_from`: RFC 5806 reason (user-busy,
    #                           no-answer, unconditional) for its Diversion header


@dataclass(frozen=True, slots=True)
class CancelLeg:
    leg: int                  # CANCEL when ringing, BYE when answered
    elsewhere: bool = False   # another device answered the call (RFC 3326 Reason on the
    #                           CANCEL: the phone logs no missed call)


@dataclass(frozen=True, slots=True)
class RingCaller:
    pass                      # 180 Ringing to the caller


@dataclass(frozen=True, slots=True)
class AnswerCaller:
    pass


@dataclass(frozen=True, slots=True)
class Bridge:
    leg: int


@dataclass(frozen=True, slots=True)
class Play:
    text: str
    language: str
    answer: bool              # False: early media (183) before ringing; True: answer first


@dataclass(frozen=True, slots=True)
class PlayFile:
    """Play an uploaded recording (WAV) to the caller, answering first; `PlaybackDone` after."""

    path: str


@dataclass(frozen=True, slots=True)
class StopPlay:
    pass


@dataclass(frozen=True, slots=True)
class RejectCaller:
    status: int


@dataclass(frozen=True, slots=True)
class HangupCaller:
    pass


@dataclass(frozen=True, slots=True)
class StartTimer:
    name: str
    seconds: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    name: str


@dataclass(frozen=True, slots=True)
class WriteState:
    state: str                # ringing, answered, ended
    leg: int | None = None


@dataclass(frozen=True, slots=True)
class LogCall:
    status: str               # answered, missed, busy, failed


@dataclass(frozen=True, slots=True)
class CommandDone:
    command_id: int
    result: str


@dataclass(frozen=True, slots=True)
class StartVoicemail:
    step: LeaveMessage        # the call goes on in its voicemail machine


@dataclass(frozen=True, slots=True)
class Failed:
    reason: str               # an input the machine does not accept in its state


Action = (Push | Dial | CancelLeg | RingCaller | AnswerCaller | Bridge | Play | StopPlay
          | RejectCaller | HangupCaller | StartTimer | CancelTimer | WriteState | LogCall
          | CommandDone | StartVoicemail | Failed)
