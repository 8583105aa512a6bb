"""Queue call state, for the SIP gateway: a caller enters, members ring, someone answers or
not, the call ends (wrap-up) or the caller gives up (callback list). Each function commits.

The gateway owns time: it calls `ring_next` when a call enters and again after each ring
time, `member_no_answer` when a member's ring time runs out, and `time_out` at max_wait_s.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.ports import Event, ports
from ..core.clock import as_utc, now
from ..core.db import get_scoped
from ..core.errors import Conflict
from ..core.not_found import not_found
from . import display, distribution, memberprefs, membership, priority
from .models import Queue, QueueCall, QueueCallback, QueueMember
from .status import CONNECTED, WAITING, as_member, busy_user_ids

ENDED = ("answered", "abandoned", "timed_out", "transferred", "callback_requested")
MISSED = ("abandoned", "timed_out", "callback_requested")


@dataclass
class Entry:
    call: QueueCall
    accepted: bool          # False: nobody is logged in and the queue does not ring empty
    overflow_kind: str
    overflow_target: str | None


def _call(db: Session, tenant_id: int, call_id: int) -> tuple[QueueCall, Queue]:
    """The call, locked until commit (PostgreSQL) so two gateways or members cannot race."""
    call = db.scalar(select(QueueCall).where(QueueCall.id == call_id,
                                             QueueCall.tenant_id == tenant_id)
                     .with_for_update())
    if call is None:
        raise not_found("queue call", call_id)
    return call, db.get(Queue, call.queue_id)


def _in_state(db: Session, tenant_id: int, call_id: int, expected: str
              ) -> tuple[QueueCall, Queue]:
    call, queue = _call(db, tenant_id, call_id)
    if call.status != expected:
        raise Conflict(N_("Queue call {id} is {status}, not {expected}"),
                       values={"id": call_id, "status": call.status, "expected": expected})
    return call, queue


def _members(db: Session, queue: Queue) -> list[QueueMember]:
    return list(db.scalars(select(QueueMember).where(QueueMember.queue_id == queue.id,
                                                     QueueMember.tenant_id == queue.tenant_id)))


def settled_members(db: Session, queue: Queue) -> list[QueueMember]:
    """The members, after settling their availability: whose "Lunch until 13:00" has ended
    is logged back in before the queue decides whom to ring (nobody has to open the app)."""
    members = _members(db, queue)
    ports(db).settle_availability(db, queue.tenant_id, [m.user_id for m in members])
    memberprefs.apply_schedules(db, queue.tenant_id, members)
    return members


def _finish(db: Session, call: QueueCall, status: str, detail: str | None = None) -> None:
    """The call leaves the queue; the queue log (another feature) hears of it."""
    call.status, call.ended_at, call.ringing_user_ids = status, now(), []
    call.outcome_detail = detail or call.outcome_detail
    db.flush()
    wait_end = call.answered_at or call.ended_at
    ports(db).events.publish(Event.QUEUE_CALL_ENDED, db, call.tenant_id, call.queue_id, status, {
        "queue_call_id": call.id, "call_ref": call.call_ref,
        "caller_number": call.caller_number, "caller_name": call.caller_name,
        "member_user_id": call.answered_by_user_id,
        "transferred_to": call.outcome_detail if status == "transferred" else None,
        "wait_s": int((wait_end - call.entered_at).total_seconds()), "at": call.ended_at})


def _keep_or_forget(db: Session, queue: Queue, call: QueueCall) -> None:
    if not queue.keep_history:
        db.delete(call)
    db.commit()


def enqueue(db: Session, tenant_id: int, queue_id: int, *, caller_number: str | None,
            caller_name: str | None = None, call_ref: str | None = None,
            returned: bool = False) -> Entry:
    """A caller reaches the queue (`returned`: back from a transfer or another queue's
    overflow). Refused (routed to the overflow) when nobody is logged in and the queue does
    not ring empty, or when no member is free and the queue says to leave then."""
    queue = get_scoped(db, Queue, queue_id, tenant_id, "queue")
    level, reason = priority.caller_priority(
        caller_number, vip_numbers=frozenset(queue.vip_numbers or ()), returned=returned,
        vip_contact=bool(queue.vip_contacts and caller_number
                         and ports(db).vip_caller(db, tenant_id, caller_number)))
    at = now()
    call = QueueCall(tenant_id=tenant_id, queue_id=queue.id, caller_number=caller_number,
                     caller_name=caller_name, call_ref=call_ref, entered_at=at,
                     priority=level, priority_reason=reason)
    db.add(call)
    members = settled_members(db, queue)
    busy = busy_user_ids(db, tenant_id, {m.user_id for m in members})
    admission = distribution.admit([as_member(m, busy=m.user_id in busy) for m in members], at,
                                   ring_when_empty=queue.ring_when_empty,
                                   leave_when_no_agent_free=queue.leave_when_no_agent_free)
    if not admission.accepted:
        _finish(db, call, "timed_out", admission.reason)
    db.commit()
    return Entry(call, admission.accepted, queue.overflow_kind, queue.overflow_target)


def waiting_in(db: Session, queue: Queue) -> list[priority.Waiting]:
    """The queue's waiting calls as the priority order sees them."""
    rows = db.execute(select(QueueCall.id, QueueCall.priority, QueueCall.entered_at,
                             QueueCall.ringing_user_ids, QueueCall.target_user_id)
                      .where(QueueCall.tenant_id == queue.tenant_id,
                             QueueCall.queue_id == queue.id, QueueCall.status == WAITING))
    return [priority.Waiting(i, p, as_utc(e), bool(r), t) for i, p, e, r, t in rows]


def _reserved(db: Session, tenant_id: int, call_id: int) -> set[int]:
    """Members another waiting call was picked for or assigned to: kept for that call."""
    return set(db.scalars(select(QueueCall.target_user_id).where(
        QueueCall.tenant_id == tenant_id, QueueCall.status == WAITING,
        QueueCall.id != call_id, QueueCall.target_user_id.is_not(None))))


def ring_next(db: Session, tenant_id: int, call_id: int) -> distribution.Decision:
    """Ask the distribution who rings now for a waiting call, and remember it."""
    call, queue = _in_state(db, tenant_id, call_id, WAITING)
    at = now()
    members = settled_members(db, queue)
    mine = set(call.ringing_user_ids or ())
    busy = busy_user_ids(db, tenant_id, {m.user_id for m in members}) - mine
    busy |= _reserved(db, tenant_id, call.id)
    call.distributing_since = call.distributing_since or at
    decision = distribution.decide(
        distribution.Settings(queue.distribution, queue.ring_time_s),
        [as_member(m, busy=m.user_id in busy) for m in members], at,
        started_at=call.distributing_since, tried=frozenset(call.tried_user_ids or ()),
        ahead=priority.ahead_of(waiting_in(db, queue), call.id),
        target=call.target_user_id)
    call.ringing_user_ids = list(decision.ring)
    db.commit()
    return decision


def shown_to_members(db: Session, tenant_id: int, call_id: int) -> display.Shown:
    """What the ringing members' phones show for this call (the queue's settings)."""
    call = get_scoped(db, QueueCall, call_id, tenant_id, "queue call")
    q = db.get(Queue, call.queue_id)
    return display.shown(q.shown_number, caller=call.caller_number, caller_name=call.caller_name,
                         queue_name=q.name, queue_number=q.number,
                         main_number=q.shown_main_number, prefix=q.shown_prefix,
                         suffix=q.shown_suffix)


def member_answered(db: Session, tenant_id: int, call_id: int, user_id: int) -> QueueCall:
    call, queue = _in_state(db, tenant_id, call_id, WAITING)
    member = db.scalar(select(QueueMember).where(QueueMember.queue_id == queue.id,
                                                 QueueMember.user_id == user_id))
    call.status, call.answered_at, call.answered_by_user_id = CONNECTED, now(), user_id
    call.ringing_user_ids = []
    if member is not None:
        member.in_call_id = call.id
        member.calls_answered += 1
    db.commit()
    return call


def member_no_answer(db: Session, tenant_id: int, call_id: int, user_id: int) -> str:
    """A ready member let the call ring out: apply the queue's no-answer policy.

    Returns what happened to the member: kept, logged_out or paused.
    """
    call, queue = _call(db, tenant_id, call_id)
    call.ringing_user_ids = [u for u in (call.ringing_user_ids or []) if u != user_id]
    call.tried_user_ids = sorted(set(call.tried_user_ids or []) | {user_id})
    members = _members(db, queue)
    member = next((m for m in members if m.user_id == user_id), None)
    outcome = "kept"
    policy = queue.no_answer_policy
    if call.target_user_id == user_id:
        # a picked or assigned call the member let ring out goes back to the queue; the
        # member chose it (or was chosen by hand), so the policy does not apply
        call.target_user_id = call.target_by_user_id = None
    elif member is not None and member.logged_in:
        others = [m for m in members if m.logged_in and m.user_id != user_id]
        if policy == "log_out" or (policy == "log_out_unless_last" and others):
            membership.apply_login([member], False, None)
            outcome = "logged_out"
        elif policy == "pause":
            member.paused, member.pause_reason, outcome = True, "no answer", "paused"
    db.commit()
    return outcome


def call_ended(db: Session, tenant_id: int, call_id: int) -> QueueCall:
    """The member and the caller hung up: the call is logged and the member's wrap-up starts."""
    call, queue = _in_state(db, tenant_id, call_id, CONNECTED)
    _release_member(db, queue, call, "answered")
    return call


def abandon(db: Session, tenant_id: int, call_id: int) -> QueueCallback | None:
    """The caller hung up while waiting; the queue may put them on the callback list."""
    call, queue = _in_state(db, tenant_id, call_id, WAITING)
    return _abandoned(db, queue, call)


def _abandoned(db: Session, queue: Queue, call: QueueCall, detail: str | None = None
               ) -> QueueCallback | None:
    _finish(db, call, "abandoned", detail)
    entry = None
    if queue.callback_on_abandon and call.caller_number:
        entry = _callback_from(db, queue, call, "abandoned")
    _keep_or_forget(db, queue, call)
    return entry


def request_callback(db: Session, tenant_id: int, call_id: int) -> QueueCallback:
    """The caller chose to be called back instead of waiting."""
    call, queue = _in_state(db, tenant_id, call_id, WAITING)
    if not call.caller_number:
        raise Conflict(N_("Queue call {id} has no caller number to call back"),
                       values={"id": call_id})
    _finish(db, call, "callback_requested")
    entry = _callback_from(db, queue, call, "requested")
    _keep_or_forget(db, queue, call)
    return entry


def time_out(db: Session, tenant_id: int, call_id: int) -> Entry:
    """Total time in queue is over: the caller goes to the overflow destination."""
    call, queue = _in_state(db, tenant_id, call_id, WAITING)
    _finish(db, call, "timed_out", f"{queue.overflow_kind} {queue.overflow_target or ''}"
            .strip())
    _keep_or_forget(db, queue, call)
    return Entry(call, False, queue.overflow_kind, queue.overflow_target)


def transferred(db: Session, tenant_id: int, call_id: int, target: str) -> QueueCall:
    """The member who answered transferred the caller on; the member's wrap-up starts."""
    call, queue = _in_state(db, tenant_id, call_id, CONNECTED)
    _release_member(db, queue, call, "transferred", target[:80])
    return call


def _release_member(db: Session, queue: Queue, call: QueueCall, status: str,
                    detail: str | None = None) -> None:
    """A connected call ends for the member: logged, and their wrap-up starts."""
    _finish(db, call, status, detail)
    for m in db.scalars(select(QueueMember).where(QueueMember.in_call_id == call.id)):
        m.in_call_id = None
    if call.answered_by_user_id is not None:
        membership.start_wrapup(db, queue.tenant_id, call.answered_by_user_id, queue.wrapup_s)
    _keep_or_forget(db, queue, call)


# how long past its queue's total time a waiting call must be before no gateway can still
# hold it (a gateway times every waiting call out at max_wait_s and writes it at once)
STALE_MARGIN_S = 60
LOST_DETAIL = "the gateway lost the call"


def close_stale(db: Session, margin_s: int = STALE_MARGIN_S) -> int:
    """Close the waiting calls that entered longer ago than their queue's total time plus
    `margin_s`: a gateway that was killed left them, and no gateway still holds them. Each is
    abandoned (the caller was cut off unserved) and, when the queue puts abandoned calls on
    the callback list, goes there like any abandoned call. Any gateway may run this, at any
    time; two at once close each call once. Returns how many it closed."""
    at = now()
    rows = db.execute(select(QueueCall.id, QueueCall.tenant_id, QueueCall.entered_at,
                             Queue.max_wait_s)
                      .join(Queue, Queue.id == QueueCall.queue_id)
                      .where(QueueCall.status == WAITING,
                             QueueCall.entered_at < at - timedelta(seconds=margin_s))).all()
    db.rollback()
    closed = 0
    for call_id, tenant_id, entered, max_wait_s in rows:
        if as_utc(entered) + timedelta(seconds=max_wait_s + margin_s) > at:
            continue
        call, queue = _call(db, tenant_id, call_id)
        if call.status != WAITING:          # another gateway or the caller came first
            db.rollback()
            continue
        _abandoned(db, queue, call, LOST_DETAIL)
        closed += 1
    return closed


def _callback_from(db: Session, queue: Queue, call: QueueCall, reason: str) -> QueueCallback:
    entry = QueueCallback(tenant_id=queue.tenant_id, queue_id=queue.id, queue_call_id=call.id,
                          caller_number=call.caller_number, caller_name=call.caller_name,
                          reason=reason, waiting_since=call.entered_at)
    db.add(entry)
    return entry
