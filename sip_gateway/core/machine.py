"""The one shape of the gateway's call machines (pure): a table
`(state, input type) -> Go(handler, next state)` applied by one `handle()`.

A row names the handler (a method of the machine, or of one of its collaborators:
`"transfer.start"`) and the states it may lead to. A handler with one next state returns
nothing; a handler that chooses returns its choice, which must be one the row lists, so the
whole state graph reads from the table. A pair the table lacks is an input the state does not
accept: `unexpected()` ends the call cleanly. Timers are data (`StartTimer`, `CancelTimer`).

`LegMachine` adds what the two call machines share: a call that has ended ignores its inputs,
a leg already cancelled that answers late is hung up, and a diverted leg says why.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from operator import attrgetter
from types import MappingProxyType
from typing import ClassVar, Mapping

from .callmessages import CancelLeg, CancelTimer, LegAnswered, LegFailed, StartTimer


class TableError(RuntimeError):
    """A handler chose a next state its table row does not list (a programming error)."""


@dataclass(frozen=True, slots=True)
class Go:
    handler: str                   # "on_routed", or "<collaborator>.<method>"
    to: frozenset                  # the states the input may lead to

    def apply(self, machine: "Machine", event) -> enum.Enum:
        chosen = attrgetter(self.handler)(machine)(event)
        if chosen is None:
            if len(self.to) != 1:
                raise TableError(f"{self.handler} must choose one of {_names(self.to)}")
            (chosen,) = self.to
        elif chosen not in self.to:
            raise TableError(f"{self.handler} chose {chosen.name}, the table allows "
                             f"{_names(self.to)}")
        return chosen


def _names(states) -> list[str]:
    return sorted(s.name for s in states)


def go(handler: str, *to: enum.Enum) -> Go:
    """A table row: `handler` takes the input and the machine goes to `to` (one state, or the
    ones the handler chooses between)."""
    return Go(handler, frozenset(to))


class Machine:
    """One input in, the actions out. Subclasses set `table` and `final` and implement
    `unexpected()`; `key()` is what the table is indexed by besides the state (the input's
    type, unless the machine reads more into an input)."""

    table: ClassVar[dict[tuple[enum.Enum, object], Go]] = {}
    final: ClassVar[enum.Enum]
    state: enum.Enum
    # what every machine answers about its legs (a machine without legs, like the gateway's
    # voicemail, keeps these): n -> leg (with `target`), and the leg talking to the caller
    legs: Mapping = MappingProxyType({})
    winner: int | None = None

    def handle(self, event) -> list:
        early = self.screen(event)
        if early is not None:
            return early
        self._out = []
        row = self.table.get((self.state, self.key(event)))
        self.state = self.unexpected(event) if row is None else row.apply(self, event)
        out, self._out = self._out, []
        return out

    @property
    def over(self) -> bool:
        return self.state is self.final

    @property
    def current(self) -> enum.Enum:
        """The state the call is in as the caller hears it: a machine running another inside
        (the gateway's voicemail, `mailbox`) answers the inner one's."""
        return self.state

    def key(self, event) -> object:
        return type(event)

    def screen(self, event) -> list | None:
        """Actions for an input that never reaches the table (None: it does)."""
        return None

    def unexpected(self, event) -> enum.Enum:
        raise NotImplementedError

    def do(self, *actions) -> None:
        self._out.extend(actions)


class LegMachine(Machine):
    """A machine with legs (`legs`: n -> object with `status`) and named timers (`timers`)."""

    legs: dict
    timers: set[str]
    busy_seen = False          # a leg said 486
    when_busy = False          # the plan is the user's when-busy rule
    mailbox = None             # the gateway's voicemail run inside (core.mailbox.Mailbox)

    @property
    def current(self) -> enum.Enum:
        inner = self.mailbox.state if self.mailbox is not None else None
        return inner or self.state

    def handle(self, event) -> list:
        if isinstance(event, LegFailed) and event.status == 486:
            self.busy_seen = True
        return super().handle(event)

    def diversion(self, n: int, target) -> str:
        """Why leg `n` to `target` carries the originally called number (RFC 5806): user-busy
        (a phone said 486, or the when-busy rule), no-answer (phones rang before; a mobile
        rung at once rings with them), else unconditional; nothing for a target that is not
        a diversion."""
        if not target.diverted_from:
            return ""
        if self.busy_seen or self.when_busy:
            return "user-busy"
        if target.kind == "mobile" and target.delay <= 0:
            return "unconditional"   # the user's mobile rings with the other devices
        rang = any(k != n and leg.status != "waiting" for k, leg in self.legs.items())
        return "no-answer" if rang else "unconditional"

    def screen(self, event) -> list | None:
        if self.over:
            return []
        leg = self.legs.get(getattr(event, "leg", None))
        if leg is not None and leg.status == "gone":
            # a leg already cancelled: its late answer is hung up, anything else is noise
            return [CancelLeg(event.leg)] if isinstance(event, LegAnswered) else []
        return None

    def unexpected(self, event) -> enum.Enum:
        if self.mailbox is not None and self.mailbox.control is not None:
            return self.mailbox.take(event)   # the mailbox has the call: it decides
        return self.fail(f"{type(event).__name__} in state {self.state.value}")

    def fail(self, reason: str) -> enum.Enum:
        raise NotImplementedError

    def start_timer(self, name: str, seconds: float) -> None:
        self.timers.add(name)
        self.do(StartTimer(name, seconds))

    def cancel_timer(self, name: str) -> None:
        if name in self.timers:
            self.timers.discard(name)
            self.do(CancelTimer(name))

    def stop_timers(self) -> None:
        for name in sorted(self.timers):
            self.do(CancelTimer(name))
        self.timers.clear()
