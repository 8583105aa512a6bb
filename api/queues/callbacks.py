"""The queue call log, missed queue calls and the manual callback list."""
from __future__ import annotations


from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant
from ..core.ports import ports
from ..core.clock import now
from ..core.db import get_scoped
from ..core.errors import Conflict
from ..core import ratelimit
from ..core.phone import normalise_field
from ..sms.outbox import Outbox
from . import notify
from .callbackturns import CLAIM_TIMEOUT
from .calls import MISSED
from .models import Queue, QueueCall, QueueCallback, QueueMember


def call_log(tenant_id: int, queue_ids: list[int] | Select, *, missed: bool) -> Select:
    """Queue calls, newest first; only missed ones (abandoned, timed out, callback) on request."""
    stmt = select(QueueCall).where(QueueCall.tenant_id == tenant_id,
                                   QueueCall.queue_id.in_(queue_ids))
    if missed:
        stmt = stmt.where(QueueCall.status.in_(MISSED))
    return stmt.order_by(QueueCall.entered_at.desc(), QueueCall.id.desc())


def my_queue_ids(tenant_id: int, user_id: int) -> Select:
    return select(QueueMember.queue_id).where(QueueMember.tenant_id == tenant_id,
                                              QueueMember.user_id == user_id)


def call_view(call: QueueCall) -> dict:
    wait_end = call.answered_at or call.ended_at
    return {"id": call.id, "queue_id": call.queue_id, "caller_number": call.caller_number,
            "caller_name": call.caller_name, "status": call.status,
            "entered_at": call.entered_at, "answered_at": call.answered_at,
            "ended_at": call.ended_at, "answered_by_user_id": call.answered_by_user_id,
            "wait_s": int((wait_end - call.entered_at).total_seconds()) if wait_end else None,
            "outcome_detail": call.outcome_detail, "priority": call.priority,
            "priority_reason": call.priority_reason, "tags": list(call.tags or [])}


# -- callback list ---------------------------------------------------------------------------

def open_callbacks(db: Session, tenant_id: int, queue_ids: list[int] | Select,
                   user_id: int | None = None) -> list[dict]:
    """Open entries, the longest waiting first, with the queue's name and who the caller is
    (as `user_id` would see them: their own contacts count too)."""
    rows = db.execute(select(QueueCallback, Queue.name)
                      .join(Queue, Queue.id == QueueCallback.queue_id)
                      .where(QueueCallback.tenant_id == tenant_id,
                             QueueCallback.queue_id.in_(queue_ids),
                             QueueCallback.done_at.is_(None))
                      .order_by(QueueCallback.waiting_since, QueueCallback.id))
    views = [callback_view(cb, name) for cb, name in rows]
    hits = ports(db).caller_hits(db, tenant_id, user_id,
                                 [v["caller_number"] for v in views]) if views else {}
    for v in views:
        v["hit"] = (hits or {}).get(v["caller_number"])
    return views


def callback_view(cb: QueueCallback, queue_name: str) -> dict:
    return {"id": cb.id, "queue_id": cb.queue_id, "queue_name": queue_name,
            "caller_number": cb.caller_number, "caller_name": cb.caller_name,
            "reason": cb.reason, "waiting_since": cb.waiting_since, "attempts": cb.attempts,
            "last_attempt_at": cb.last_attempt_at,
            "in_progress_by_user_id": cb.in_progress_by_user_id}


def add_callback(db: Session, tenant: Tenant, queue: Queue, caller_number: str,
                 caller_name: str | None) -> QueueCallback:
    """A callback request taken by hand (e.g. from a voicemail or a message)."""
    entry = QueueCallback(tenant_id=tenant.id, queue_id=queue.id, reason="requested",
                          caller_number=normalise_field("caller_number", caller_number,
                                                        tenant.country),
                          caller_name=caller_name, waiting_since=now())
    db.add(entry)
    db.commit()
    return entry


NOTICES_PER_HOUR = 30   # callback notices per queue and hour


def notify_added(db: Session, ch: notify.Channels, outbox: Outbox, tenant: Tenant, queue: Queue,
                 entry: QueueCallback, by_user_id: int) -> int:
    """When the queue says so, every other member hears of a callback taken by hand (SMS or
    e-mail, in their language). Returns how many messages go out."""
    if queue.callback_notify not in notify.CHANNELS:
        return 0
    # every entry costs the company one message per member: a member adding entries in a
    # loop must not flood colleagues (the entries are still taken, without a notice)
    if not ratelimit.hit(db, f"queue-callback-notice:{queue.id}", NOTICES_PER_HOUR,
                         3600).allowed:
        db.commit()
        return 0
    members = set(db.scalars(select(QueueMember.user_id).where(
        QueueMember.tenant_id == tenant.id, QueueMember.queue_id == queue.id))) - {by_user_id}
    who = entry.caller_name or entry.caller_number

    def text(lang: str) -> tuple[str, str]:
        from i18n import tr
        return (tr(lang, "Callback for {queue}", queue=queue.name),
                tr(lang, "{queue}: please call back {caller} ({number}).", queue=queue.name,
                   caller=who, number=entry.caller_number))
    sent = notify.tell(db, ch, outbox, tenant, members, queue.callback_notify, text,
                       "queue_callback")
    db.commit()
    return sent


def delete_callback(db: Session, entry: QueueCallback) -> None:
    """Take an entry off the list by hand (the caller was reached another way, or it is
    spam); an entry a colleague is calling back right now stays."""
    stale = entry.last_attempt_at is None or now() - entry.last_attempt_at >= CLAIM_TIMEOUT
    if entry.in_progress_by_user_id is not None and not stale:
        raise Conflict(N_("A colleague is calling this caller back right now"),
                       extra={"in_progress_by_user_id": entry.in_progress_by_user_id})
    db.delete(entry)
    db.commit()


def get_callback(db: Session, tenant_id: int, callback_id: int) -> QueueCallback:
    return get_scoped(db, QueueCallback, callback_id, tenant_id, "callback")




def start_callback(db: Session, entry: QueueCallback, user_id: int) -> QueueCallback:
    """A member starts calling back: the attempt is counted and the entry is theirs (until
    they mark it, or for CLAIM_TIMEOUT)."""
    if entry.done_at is not None:
        raise Conflict(N_("This caller has already been called back"))
    stale = entry.last_attempt_at is None or now() - entry.last_attempt_at >= CLAIM_TIMEOUT
    if entry.in_progress_by_user_id not in (None, user_id) and not stale:
        raise Conflict(N_("A colleague is calling this caller back right now"),
                       extra={"in_progress_by_user_id": entry.in_progress_by_user_id})
    entry.attempts += 1
    entry.last_attempt_at, entry.last_attempt_by_user_id = now(), user_id
    entry.in_progress_by_user_id = user_id
    db.commit()
    return entry


def finish_callback(db: Session, entry: QueueCallback, user_id: int, answered: bool
                    ) -> QueueCallback:
    """Answered: the entry leaves the list. Unanswered: it stays for another attempt."""
    if entry.done_at is not None:
        raise Conflict(N_("This caller has already been called back"))
    if entry.in_progress_by_user_id != user_id:
        raise Conflict(N_("Start the callback before marking it"))
    entry.in_progress_by_user_id = None
    if answered:
        entry.done_at = now()
    db.commit()
    return entry
