"""Automatic callback: for a queue with `auto_callback`, each open entry of its callback list
whose turn it is (`callbackturns.due`) is called back through the gateway like a member's
own callback from the app (`calls.placing`): the distribution names the next free member,
their device rings first and, when they answer, the caller is dialled (showing the queue's
number when the queue says so). The attempt is counted on the entry when the call is
placed and its result recorded when the call ends, as for a callback from the app.

Run by the queue runner (`api.queues.runner`) every round, and as soon as a queue with the
option changes between rounds."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..accounts.models import Tenant
from ..core.clock import as_utc, now
from ..core.errors import AppError
from . import callbackturns, distribution
from .calls import settled_members
from .models import Queue, QueueCallback, QueueMember
from .status import as_member, busy_user_ids

log = logging.getLogger("api")


@dataclass
class _Member:
    """The member the call is placed for, as `placing` reads the one placing a call."""

    tenant: Tenant
    user_id: int

    @property
    def tenant_id(self) -> int:
        return self.tenant.id

    def can(self, _permission: str) -> bool:
        return False   # a member of the queue: its callback list is theirs to work on


def run(db: Session, queue_ids=None) -> int:
    """One round over every queue with automatic callback (or those of `queue_ids` that have
    it); how many calls were placed."""
    placed = 0
    query = select(Queue).where(Queue.auto_callback.is_(True))
    if queue_ids is not None:
        query = query.where(Queue.id.in_(list(queue_ids)))
    queues = db.scalars(query.order_by(Queue.id)).all()
    for queue in queues:
        placed += _queue_round(db, queue)
    return placed


def _queue_round(db: Session, queue: Queue) -> int:
    at = now()
    open_entries = db.scalars(select(QueueCallback).where(
        QueueCallback.tenant_id == queue.tenant_id, QueueCallback.queue_id == queue.id,
        QueueCallback.done_at.is_(None)).order_by(QueueCallback.waiting_since,
                                                  QueueCallback.id)).all()
    due = {e.id: callbackturns.due(attempts=e.attempts, last_attempt_at=e.last_attempt_at,
                                   in_progress=e.in_progress_by_user_id is not None, at=at)
           for e in open_entries}
    # a member calling a caller back (by hand or rung for it) is not given another one
    taken = {e.in_progress_by_user_id for e in open_entries
             if e.in_progress_by_user_id is not None and not due[e.id]}
    placed = 0
    for entry in (e for e in open_entries if due[e.id]):
        user_id = next_free_member(db, queue, taken)
        if user_id is None:
            break
        taken.add(user_id)
        placed += _place(db, queue, entry, user_id)
    return placed


def next_free_at(db: Session):
    """The next moment a member of a queue with automatic callback and open entries comes out
    of wrap-up (nothing is written then: the runner wakes for it), or None."""
    waiting = select(QueueCallback.queue_id).where(QueueCallback.done_at.is_(None))
    at = db.scalar(select(func.min(QueueMember.wrapup_until)).join(
        Queue, Queue.id == QueueMember.queue_id).where(
        Queue.auto_callback.is_(True), QueueMember.queue_id.in_(waiting),
        QueueMember.wrapup_until > now()))
    return as_utc(at) if at is not None else None


def next_free_member(db: Session, queue: Queue, taken: set[int]) -> int | None:
    """The member the queue's distribution would ring now for a caller, among those free
    (logged in, not paused, not in a call or ringing, out of wrap-up) and not `taken`."""
    members = [m for m in settled_members(db, queue) if m.user_id not in taken]
    busy = busy_user_ids(db, queue.tenant_id, {m.user_id for m in members})
    decision = distribution.decide(
        distribution.Settings(queue.distribution, queue.ring_time_s),
        [as_member(m, busy=m.user_id in busy) for m in members], now())
    return decision.ring[0] if decision.ring else None


def _place(db: Session, queue: Queue, entry: QueueCallback, user_id: int) -> int:
    from ..calls.placing import place_call

    member = _Member(db.get(Tenant, queue.tenant_id), user_id)
    body = {"callback_id": entry.id, "device_id": _device_id(db, queue.tenant_id, user_id)}
    try:
        cmd = place_call(db, member, body, f"auto-callback-{entry.id}-{entry.attempts + 1}")
    except AppError as exc:   # no gateway, no device to ring: the next round tries again
        db.rollback()
        log.warning("automatic callback not placed", extra={
            "event": "auto_callback", "queue_id": queue.id, "callback_id": entry.id,
            "user_id": user_id, "reason": str(exc)})
        return 0
    log.info("automatic callback", extra={"event": "auto_callback", "queue_id": queue.id,
                                          "callback_id": entry.id, "user_id": user_id,
                                          "command_id": cmd.id})
    return 1


def _device_id(db: Session, tenant_id: int, user_id: int) -> int | None:
    """The member's enabled softphone or desk phone (queue calls ring those); None: their
    mobile."""
    from ..availability.models import Device

    return db.scalar(select(Device.id).where(
        Device.tenant_id == tenant_id, Device.user_id == user_id, Device.enabled.is_(True),
        Device.kind != "mobile", Device.sip_uri.is_not(None)).order_by(Device.id).limit(1))
