"""The gateway's own voicemail inside the machine a call runs (pure).

When a call's plan (or a queue's overflow) reaches the gateway's own mailbox
(`LeaveMessage`), its machine goes to its voicemail state and `Mailbox` runs
`voicemailcontrol.VoicemailControl` for the rest of the call: `StartVoicemail` first (the
gateway releases the user and prepares the recording), then every input goes to the
voicemail machine and its actions come out of the host's `handle()`; the host ends when it
does. So a call keeps the one machine it was routed to from its INVITE to its end, as a
transfer runs inside it through `handover`. The user's app can still move the caller on
(`transfer`, blind or with return) or take the call back (`TakeBack`: their devices ring
again): the mailbox lets go (`let_go`), the message begun is dropped, the host goes on.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from i18n import N_

from .callmessages import CommandDone, LeaveMessage, StartVoicemail
from .machine import Go, go
from .voicemailcontrol import TABLE as VOICEMAIL_TABLE, Begin, VoicemailControl


@dataclass(frozen=True, slots=True)
class TakeBack:
    """From the app: the user takes the call back from their voicemail; `steps` ring them
    (their devices, then the rest of their plan)."""

    command_id: int
    steps: tuple


@dataclass(frozen=True, slots=True)
class TakenBack:
    """Action: the call is the user's again (busy with it, their live call ringing)."""


class MailboxHost(Protocol):
    """What `Mailbox` needs of the call machine it works for."""

    answered: bool
    transfer: object           # its `handover.Handover`

    def do(self, *actions) -> None: ...
    def ring_again(self, steps) -> enum.Enum: ...


class Mailbox:
    def __init__(self, host: MailboxHost, voicemail: enum.Enum, ended: enum.Enum) -> None:
        self.host, self.voicemail, self.ended = host, voicemail, ended
        self.control: VoicemailControl | None = None

    def start(self, step: LeaveMessage) -> enum.Enum:
        """The mailbox takes the call: it answers and greets the caller."""
        self.control = VoicemailControl(step)
        self.host.do(StartVoicemail(step), *self.control.handle(Begin()))
        return self.voicemail

    def take(self, ev) -> enum.Enum:
        """Any input once the mailbox has the call (one it does not accept ends the call
        cleanly, keeping what was recorded)."""
        self.host.do(*self.control.handle(ev))
        return self.ended if self.control.over else self.voicemail

    def transfer(self, ev) -> enum.Enum:
        """The app moves the caller on, blind or with return (nobody is there to consult
        with): the greeting stops or the message begun is dropped, and the host's transfer
        holds the caller and rings the target."""
        host = self.host
        if ev.method not in ("blind", "with_return"):
            host.do(CommandDone(ev.command_id, N_("refused: the caller is in voicemail, "
                                                  "nobody to consult with")))
            return self.voicemail
        host.do(*self.let_go())
        host.answered = True   # the mailbox answered the caller
        return host.transfer.start(ev)

    def take_back(self, ev: TakeBack) -> enum.Enum:
        """The user takes the call back: the message begun is dropped, their devices ring
        again (unanswered, their plan goes on)."""
        host = self.host
        host.do(*self.let_go(), TakenBack(), CommandDone(ev.command_id, "done"))
        host.answered = True
        return host.ring_again(ev.steps)

    def refuse(self, ev: TakeBack) -> None:
        """Taking back a call not in voicemail: refused, the call goes on."""
        self.host.do(CommandDone(ev.command_id, N_("refused: the call is not in voicemail")))

    def let_go(self) -> list:
        """The caller is moved on (a transfer, or taken back): the mailbox lets go of the call
        without ending it, dropping a message begun; its actions."""
        out, self.control = self.control.let_go(), None
        return out

    @property
    def state(self) -> enum.Enum | None:
        """Where the voicemail is (greeting, recording), None before it took the call."""
        return self.control.state if self.control is not None else None


def rows(voicemail: enum.Enum, ended: enum.Enum) -> dict[tuple[enum.Enum, type], Go]:
    """The host's rows in its voicemail state: every input the voicemail machine accepts
    goes to it (the host sends it any other input from `unexpected()`)."""
    return {(voicemail, kind): go("mailbox.take", voicemail, ended)
            for kind in sorted({kind for _, kind in VOICEMAIL_TABLE}, key=lambda k: k.__name__)}
