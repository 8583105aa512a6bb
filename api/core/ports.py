"""What one feature asks of another, and the events features raise: no feature imports
another's internals.

`Ports` holds the few cross-feature questions (presence, who is in a call, a queue's live
summary, favourite and transfer targets, caller hits for lists, the transfers of calls).
Each process builds one in its bootstrap (`bootstrap.wiring`), where every provider and
every event subscriber is listed; a question nobody answers is an error at start-up, never
a silent default at the first call. The database session carries it (`ports(db)`), so a
service reaches it through the unit of work it already holds. Answers run inside the
caller's transaction.
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol, Sequence

from sqlalchemy.orm import Session


class WiringError(RuntimeError):
    """The process was started without a provider or with an unknown subscriber."""


class Event(enum.Enum):
    """Things that happened, with the arguments their subscribers receive (after `db`)."""

    USER_CREATED = "user_created"                    # (user)
    USER_COPIED = "user_copied"                      # (template, user), after USER_CREATED
    SESSIONS_REVOKED = "sessions_revoked"            # (tenant_id, session_ids: list[int])
    AVAILABILITY_CHANGED = "availability_changed"    # (tenant_id, user_id, old: dict|None, new: dict)
    QUEUE_CALL_ENDED = "queue_call_ended"            # (tenant_id, queue_id, event: str, detail: dict)
    SMS_RECEIVED = "sms_received"                    # (api.sms.services.ReceivedSms)
    CALL_CHANGED = "call_changed"                    # (call: dict, what: str, in_call: bool)
    COMMAND_FINISHED = "command_finished"            # (command: CallCommand)
    TRANSFER_CHANGED = "transfer_changed"            # (transfer: Transfer)
    CALL_MISSED = "call_missed"                      # (entry: dict, the call log entry's columns)
    PRESENCE_CHANGED = "presence_changed"            # (tenant_id, user_id): note/until only
    QUEUES_CHANGED = "queues_changed"                # (tenant_id, {queue id: api.queues.live view})


class Bus:
    """A tiny in-process event bus: the subscribers are fixed when it is built."""

    def __init__(self, subscribers: Mapping[Event, Sequence[Callable[..., None]]]) -> None:
        unknown = [e for e in subscribers if not isinstance(e, Event)]
        if unknown:
            raise WiringError(f"subscribers for unknown events: {unknown}")
        self._subscribers = {e: tuple(subscribers.get(e, ())) for e in Event}

    def publish(self, event: Event, db: Session, *args: Any) -> None:
        for fn in self._subscribers[event]:
            fn(db, *args)

    def subscribers(self, event: Event) -> tuple[Callable[..., None], ...]:
        return self._subscribers[event]


class UsersQuestion(Protocol):
    def __call__(self, db: Session, tenant_id: int, user_ids: Sequence[int]) -> Any: ...


class TargetQuestion(Protocol):
    def __call__(self, db: Session, tenant_id: int, target_id: Any) -> dict | None: ...


@dataclass(frozen=True)
class Ports:
    presence: UsersQuestion
    """{user id: {profile_id, name, colour, icon, note, until, source}} (availability)."""
    in_call_user_ids: UsersQuestion
    """The users of those given who have a live call: set[int] (calls)."""
    in_call_read: Callable[[int, int], Any]
    """Whether one user has a live call, as a read for `api.core.prepared.run_reads`, to
    send with other reads: one row, true or false first (calls)."""
    queue_summary: Callable[[Session, int, Sequence[int]], dict[int, dict]]
    """{queue id: live status} (queues)."""
    caller_hits: Callable[[Session, int, int | None, Sequence[str]], dict[str, dict]]
    """Who each number is, from local sources only (callerid)."""
    call_transfers: Callable[[Session, int, int, Sequence[str]], dict[str, dict]]
    """The user's last transfer of each call, by SIP Call-ID (transfer)."""
    queue_target: TargetQuestion
    """A queue as a favourite or transfer target: {name, number, availability} (queues)."""
    main_number_target: TargetQuestion
    """A main number as a favourite or transfer target: {name, number} (availability)."""
    voicemail_unread: Callable[[Session, int, int], int]
    """How many of the user's voicemail messages are not heard yet (voicemail)."""
    voicemail_unread_read: Callable[[int, int], Any]
    """The same count as a read for `api.core.prepared.run_reads`, to send with other reads:
    one row, the count first (voicemail)."""
    call_voicemails: Callable[[Session, int, int, Sequence[str]], dict[str, int]]
    """The user's voicemail message left during each call, by SIP Call-ID (voicemail)."""
    vip_caller: Callable[[Session, int, str], bool]
    """Is this number a company contact tagged "vip" (callerid)?"""
    settle_availability: UsersQuestion
    """Settle these users' state in force (an ended choice's queue side effects) before a
    queue counts or rings its members (availability)."""
    events: Bus

    def __post_init__(self) -> None:
        missing = [f.name for f in dataclasses.fields(self)
                   if f.name != "events" and not callable(getattr(self, f.name))]
        if missing:
            raise WiringError(f"no provider for {', '.join(missing)}")
        if not isinstance(self.events, Bus):
            raise WiringError("no event bus")

    def favourite_target(self, db: Session, tenant_id: int, kind: str, target_id: Any
                         ) -> dict | None:
        """A favourite or transfer target of a kind another feature owns (queue, main
        number): {name, number?, availability?}, or None when there is no such target."""
        answer = {"queue": self.queue_target, "main_number": self.main_number_target}.get(kind)
        return None if answer is None else answer(db, tenant_id, target_id)


PORTS_KEY = "ports"


def ports(db: Session) -> Ports:
    """The ports of the process that made this session (its bootstrap put them there)."""
    found = db.info.get(PORTS_KEY)
    if found is None:
        raise WiringError("this database session carries no ports: sessions that serve "
                          "features come from the bootstrap's session factory")
    return found
