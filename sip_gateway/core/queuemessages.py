"""The inputs and actions of a call to a queue (`queuecontrol`), and its plan's one step:
plain frozen data, shared by the machine and the gateway's side of queue calls."""
from __future__ import annotations

from dataclasses import dataclass

from .callmessages import Target

CALLBACK_KEY = "1"
RETRY_S = 1.0         # nobody to ring: ask the distribution again after this long


# -- the plan ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QueueWords:
    """What a waiting caller hears, in the queue's language (worded when the call is
    planned, from the message catalogs); `{queue}` and `{position}` are filled in here."""

    welcome: str = "You have reached {queue}."
    position: str = "You are number {position} in the queue."
    hold: str = "Please hold."
    hold_or_callback: str = f"Please hold, or press {CALLBACK_KEY} to be called back."
    callback_confirmed: str = "Thank you. We will call you back. Goodbye."


@dataclass(frozen=True, slots=True)
class QueueStep:
    """A call to a queue (the only step of its plan)."""

    queue_id: int
    tenant_id: int
    name: str
    max_wait_s: int
    announce_position: bool = False
    overflow: Target | None = None    # None: the caller is hung up when the time is over
    language: str = "en"
    retry_s: float = RETRY_S
    wrapup_s: int = 0                 # after a call ends, when its member may be rung again
    greeting: str | None = None       # the queue's own message, in `language`
    ring_time_s: float = 20           # a transfer that came back rings the member this long
    offer_callback: bool = False      # a waiting caller may press 1 to be called back
    words: QueueWords = QueueWords()  # the standard message and confirmation, in `language`
    hold_music: str = "default"       # default (music), ringback, silence
    announce_every_s: int | None = None   # repeated while the caller waits
    announce_text: str | None = None      # what is repeated (else the queue's message)
    greeting_file: str | None = None      # the uploaded welcome (WAV), played instead of text
    message_file: str | None = None       # the uploaded repeated message (WAV)


# -- inputs -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Entered:
    """The queue's answer to `Enqueue`."""

    call_id: int | None       # None: the database did not answer (the caller overflows)
    accepted: bool            # False: nobody logged in and the queue does not ring empty
    position: int = 1         # 1: first in line


@dataclass(frozen=True, slots=True)
class MemberTargets:
    user_id: int
    targets: tuple[Target, ...]   # the member's enabled devices (may be empty)


@dataclass(frozen=True, slots=True)
class Decided:
    """The distribution's answer to `AskNext` (empty when nobody is ready or on error)."""

    round: int
    ring: tuple[MemberTargets, ...] = ()
    ring_for_s: float = 20


@dataclass(frozen=True, slots=True)
class Digit:
    """A key the caller pressed (RFC 4733 telephone-event)."""

    digit: str


@dataclass(frozen=True, slots=True)
class Nudge:
    """A member may be free now (another queue call ended or stopped ringing them): a call
    that found nobody to ring asks again at once instead of at its retry timer."""


# -- actions ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Enqueue:
    pass


@dataclass(frozen=True, slots=True)
class AskNext:
    call_id: int
    round: int


@dataclass(frozen=True, slots=True)
class QueueWrite:
    """The queue call's state in the database: answered, no_answer (member), ended (the
    bridged call is over, wrap-up starts), transferred (the member transferred the caller
    on, wrap-up starts), abandon (caller gave up), callback (the caller asked to be called
    back), time_out."""

    op: str
    call_id: int
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class StartLoop:
    tone: str


@dataclass(frozen=True, slots=True)
class StopLoop:
    pass


@dataclass(frozen=True, slots=True)
class PushMember:
    """The who's-calling push ("via queue") to a member, or its end (reason)."""

    user_id: int
    kind: str                 # incoming, ended
    reason: str = ""          # for ended: answered, answered_elsewhere, ended
    ring_for_s: float = 0


@dataclass(frozen=True, slots=True)
class MemberBusy:
    """The member is talking to a queue caller on device leg `leg` (True), or no longer."""

    user_id: int
    busy: bool
    leg: int | None = None
