"""The gateway's port, calls to queues: which queue a number reaches and its settings, where
its callers overflow to, remote login, the queue call's state as the gateway drives it, and
each member's own view of a queue call (their live call, their call log)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..queues.models import Queue, QueueCall


@dataclass(frozen=True, slots=True)
class QueueRef:
    id: int
    tenant_id: int
    name: str
    number: str | None
    max_wait_s: int
    announce_position: bool
    wrapup_s: int
    greeting: str | None
    greeting_language: str | None
    ring_time_s: int
    offer_callback: bool
    overflow_kind: str
    overflow_target: str | None
    announce_every_s: int | None = None   # repeat announce_text while the caller waits
    announce_text: str | None = None
    hold_music: str = "default"           # default (music), ringback, silence


@dataclass(frozen=True, slots=True)
class Remote:
    """Remote login by a call to the queue service number: the caller's new state."""

    known: bool
    user_id: int | None
    logged_in: bool | None
    announcement: str
    language: str             # the announcement's (the company's)


@dataclass(frozen=True, slots=True)
class NextRing:
    """The distribution's choice: members to ring now, each with her devices
    ((kind, SIP URI or E.164), in her order), and when to ask again."""

    ring: tuple[int, ...]
    devices: dict
    ring_for_s: int
    reason: str
    from_user: str | None = None      # what the members' phones show (queue settings)
    from_display: str | None = None


def _ref(q: Queue | None) -> QueueRef | None:
    if q is None:
        return None
    return QueueRef(q.id, q.tenant_id, q.name, q.number, q.max_wait_s,
                    bool(q.announce_position), q.wrapup_s, q.greeting or None,
                    q.greeting_language, q.ring_time_s, bool(q.offer_callback),
                    q.overflow_kind, q.overflow_target, q.announce_every_s,
                    q.announce_text or None, q.hold_music or "default")


def queue_by_id(db: Session, tenant_id: int, queue_id: int) -> QueueRef | None:
    """The queue the number registry led to."""
    return _ref(db.scalar(select(Queue).where(Queue.id == queue_id,
                                              Queue.tenant_id == tenant_id)))


def remote_login(db: Session, tenant_id: int, caller: str) -> Remote:
    """Toggle the caller's queue login (she called the queue service number)."""
    from ..queues.membership import toggle_remote_login

    r = toggle_remote_login(db, tenant_id, caller)
    return Remote(r.known, r.user_id, r.logged_in, r.announcement, r.language)


def spoken_language(db: Session, queue: QueueRef) -> str:
    """The language a caller to the queue hears: its greeting's, else the company's."""
    from i18n import caller_language

    from ..accounts.models import Tenant

    company = db.scalar(select(Tenant.language).where(Tenant.id == queue.tenant_id))
    return caller_language(company, queue.greeting_language if queue.greeting else None)


def caller_hit(db: Session, tenant_id: int, caller: str | None) -> dict | None:
    """Who is calling a queue (the company's view), or None."""
    from ..callerid.services import lookup

    hit = lookup(db, tenant_id, None, caller, 0.2) if caller else None
    return hit.as_dict() if hit else None


def overflow(db: Session, queue: QueueRef) -> tuple[str, str | None, str | None]:
    """Where the queue's callers go when their time is over, as (kind, number, queue id):
    ("voicemail", the queue's number, None), ("number", E.164, None), ("queue", its number or
    None, its id), ("user", their office number, None); ("none", None, None) otherwise."""
    kind, target = queue.overflow_kind, queue.overflow_target
    if kind == "voicemail":
        return kind, queue.number, None
    if kind == "number" and target:
        return kind, target, None
    if kind == "queue" and str(target or "").isdigit():
        other = db.scalar(select(Queue.number).where(Queue.id == int(target),
                                                     Queue.tenant_id == queue.tenant_id))
        return kind, other, str(target)
    if kind == "user" and str(target or "").isdigit():
        office = db.scalar(select(User.office_number).where(
            User.id == int(target), User.tenant_id == queue.tenant_id))
        if office:
            return kind, office, None
    return "none", None, None


def queue_numbers(db: Session, tenant_id: int, ids: list[int]) -> dict:
    """{"queue:<id>": number} of these queues of the company (those with a number)."""
    if not ids:
        return {}
    rows = db.execute(select(Queue.id, Queue.number).where(Queue.tenant_id == tenant_id,
                                                           Queue.id.in_(ids))).all()
    return {f"queue:{i}": n for i, n in rows if n}


# -- the queue call, as the gateway drives it -----------------------------------------------

def enqueue(db: Session, tenant_id: int, queue_id: int, caller: str | None,
            caller_name: str | None, call_ref: str, returned: bool = False
            ) -> tuple[int, bool, int]:
    """A caller enters the queue (`returned`: back from a transfer or another queue's
    overflow): (queue call id, accepted, position in the queue's order)."""
    from ..queues import calls, priority

    entry = calls.enqueue(db, tenant_id, queue_id, caller_number=caller,
                          caller_name=caller_name, call_ref=call_ref[:80], returned=returned)
    call_id = entry.call.id
    queue = db.get(Queue, queue_id)
    position = priority.position(calls.waiting_in(db, queue), call_id) or 1
    return call_id, entry.accepted, position


def ring_next(db: Session, tenant_id: int, call_id: int) -> NextRing:
    """Whom the queue rings now for a waiting call (members whose choice ended are settled
    first), with each one's devices that ring."""
    from ..availability import convert
    from ..availability.models import Device
    from ..queues import calls

    from ..queues.memberprefs import ringing_devices

    decision = calls.ring_next(db, tenant_id, call_id)
    devices: dict[int, list[tuple[str, str]]] = {uid: [] for uid in decision.ring}
    if devices:
        queue_id = db.scalar(select(QueueCall.queue_id).where(QueueCall.id == call_id))
        chosen = ringing_devices(db, tenant_id, queue_id, list(devices))
        for row in db.scalars(select(Device).where(Device.tenant_id == tenant_id,
                                                   Device.user_id.in_(list(devices)))
                              .order_by(Device.id)):
            device = convert.device(row)
            if row.user_id in chosen and row.id not in chosen[row.user_id]:
                continue   # the member chose other devices for this queue
            if device is not None:
                devices[row.user_id].append((device.kind, device.address))
    shown = calls.shown_to_members(db, tenant_id, call_id) if devices else None
    return NextRing(tuple(decision.ring), {u: tuple(d) for u, d in devices.items()},
                    decision.ring_for_s, decision.reason,
                    shown.user if shown else None, shown.display if shown else None)


def write(db: Session, tenant_id: int, op: str, call_id: int, user_id: int | None,
          to: str = "") -> str | None:
    """One step of the queue call: answered, no_answer (its outcome is returned), ended,
    transferred (`to`: whom the member transferred the caller to), abandon, callback,
    time_out."""
    from ..queues import calls

    if op == "answered":
        calls.member_answered(db, tenant_id, call_id, user_id)
    elif op == "no_answer":
        return calls.member_no_answer(db, tenant_id, call_id, user_id)
    elif op == "ended":
        calls.call_ended(db, tenant_id, call_id)
    elif op == "transferred":
        calls.transferred(db, tenant_id, call_id, to or "transfer")
    elif op == "abandon":
        calls.abandon(db, tenant_id, call_id)
    elif op == "callback":
        calls.request_callback(db, tenant_id, call_id)
    elif op == "time_out":
        calls.time_out(db, tenant_id, call_id)
    else:
        raise ValueError(f"unknown queue write {op!r}")
    return None


# -- the member's own view -----------------------------------------------------------------

def member_answered(db: Session, tenant_id: int, user_id: int, gateway_id: str, sip_id: str,
                    caller: str | None, leg: int, kind: str, uri: str, at: datetime) -> int:
    """The member's live call (or a colleague's an attended transfer joined the caller to),
    written at once as answered (it never shows as ringing for them); its id."""
    from ..calls import services as calls

    live_id = calls.call_started(db, tenant_id, user_id, gateway_id, sip_id, "incoming", caller)
    calls.call_answered(db, live_id, leg, kind, uri, at)
    return live_id


def member_call_ended(db: Session, live_id: int) -> None:
    from ..calls import services as calls
    calls.call_ended(db, live_id)


def member_call_logged(db: Session, tenant_id: int, user_id: int, caller: str | None,
                       started_at: datetime, answered_at: datetime | None, ended_at: datetime,
                       sip_id: str, hit: dict | None, queue_id: int) -> None:
    """The member's call log: answered via the queue."""
    from ..callerid.services import record_call

    record_call(db, tenant_id, user_id, direction="incoming", status="answered",
                other_number=caller, started_at=started_at, answered_at=answered_at,
                ended_at=ended_at, call_id=sip_id, hit=hit, look_up=False,
                via_queue_id=queue_id)
