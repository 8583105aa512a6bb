"""The switchboard: every waiting call of my queues, picked to answer on my own device,
assigned to a colleague or raised in priority (team leaders); and the tags an agent puts on
a queue call. Each function commits."""
from __future__ import annotations

from i18n import N_

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import permissions as perms
from ..accounts.models import User
from ..core.clock import as_utc, now
from ..core.errors import Conflict, Forbidden, NotFound
from ..core.not_found import not_found
from ..core.ports import ports
from . import priority
from .calls import _call, waiting_in
from .models import Queue, QueueCall, QueueMember
from .services import is_member
from .status import CONNECTED, WAITING, busy_user_ids


def is_team_leader(principal) -> bool:
    return principal.can(perms.LOG_OTHERS_IN_QUEUES) or principal.can(perms.MANAGE_QUEUES)


def visible_queues(db: Session, principal) -> list[Queue]:
    """My queues; a team leader sees every queue of the company (not the hidden ones unless
    they administer queues or are members)."""
    stmt = select(Queue).where(Queue.tenant_id == principal.tenant_id)
    mine = select(QueueMember.queue_id).where(QueueMember.tenant_id == principal.tenant_id,
                                              QueueMember.user_id == principal.user_id)
    if principal.can(perms.MANAGE_QUEUES):
        pass
    elif principal.can(perms.LOG_OTHERS_IN_QUEUES):
        stmt = stmt.where(Queue.hide_from_switchboard.is_(False) | Queue.id.in_(mine))
    else:
        stmt = stmt.where(Queue.id.in_(mine))
    return list(db.scalars(stmt.order_by(Queue.name, Queue.id)))


def waiting_calls(db: Session, principal, queue_id: int | None = None) -> list[dict]:
    """Every waiting call of the queues I see, the queue's order first (priority, then time
    of entry), each with who is calling as I would see them."""
    queues = [q for q in visible_queues(db, principal) if queue_id in (None, q.id)]
    if queue_id is not None and not queues:
        raise not_found("queue", queue_id)
    at = now()
    views = []
    for q in queues:
        order = priority.in_order(waiting_in(db, q))
        if not order:
            continue
        rows = {c.id: c for c in db.scalars(select(QueueCall).where(
            QueueCall.id.in_([w.call_id for w in order])))}
        for pos, w in enumerate(order, 1):
            views.append(waiting_view(rows[w.call_id], q, pos, at))
    views.sort(key=lambda v: (-v["priority"], v["entered_at"], v["id"]))
    numbers = [v["caller_number"] for v in views if v["caller_number"]]
    hits = ports(db).caller_hits(db, principal.tenant_id, principal.user_id, numbers) \
        if numbers else {}
    for v in views:
        v["hit"] = (hits or {}).get(v["caller_number"])
    return views


def waiting_view(call: QueueCall, queue: Queue, position: int, at) -> dict:
    return {"id": call.id, "queue_id": queue.id, "queue_name": queue.name,
            "caller_number": call.caller_number, "caller_name": call.caller_name,
            "entered_at": call.entered_at,
            "wait_s": max(0, int((at - as_utc(call.entered_at)).total_seconds())),
            "position": position, "priority": call.priority,
            "priority_reason": call.priority_reason,
            "ringing": bool(call.ringing_user_ids), "target_user_id": call.target_user_id}


def _waiting(db: Session, principal, call_id: int) -> tuple[QueueCall, Queue]:
    """A waiting call of a queue I see (anything else of the company, or of another, 404)."""
    try:
        call, queue = _call(db, principal.tenant_id, call_id)
    except NotFound:
        raise not_found("waiting call", call_id)
    if queue.id not in {q.id for q in visible_queues(db, principal)}:
        raise not_found("waiting call", call_id)
    if call.status != WAITING:
        raise Conflict(N_("The call is no longer waiting (it is {status})"),
                       extra={"status": call.status}, values={"status": call.status})
    return call, queue


def _view_after(db: Session, call: QueueCall, queue: Queue) -> dict:
    pos = priority.position(waiting_in(db, queue), call.id)
    view = waiting_view(call, queue, pos, now())
    view["hit"] = None
    db.commit()
    return view


def _target(db: Session, call: QueueCall, queue: Queue, user_id: int, by_user_id: int) -> None:
    if not is_member(db, queue, user_id):
        raise Conflict(N_("User {user} is not a member of queue {queue}"),
                       extra={"user_id": user_id}, values={"user": user_id, "queue": queue.name})
    if user_id in busy_user_ids(db, queue.tenant_id, {user_id}) \
            and user_id not in (call.ringing_user_ids or ()):
        raise Conflict(N_("That member is in a call or ringing for another one"),
                       extra={"user_id": user_id})
    taken = db.scalar(select(QueueCall.id).where(
        QueueCall.tenant_id == queue.tenant_id, QueueCall.status == WAITING,
        QueueCall.target_user_id == user_id, QueueCall.id != call.id))
    if taken is not None:
        raise Conflict(N_("That member already has another waiting call to answer"),
                       extra={"user_id": user_id, "call_id": taken})
    call.target_user_id, call.target_by_user_id = user_id, by_user_id


def pick(db: Session, principal, call_id: int) -> dict:
    """I answer this call: from now on it rings only my devices (nobody else's)."""
    call, queue = _waiting(db, principal, call_id)
    if call.target_user_id not in (None, principal.user_id):
        raise Conflict(N_("A colleague is already answering this call"),
                       extra={"target_user_id": call.target_user_id})
    _target(db, call, queue, principal.user_id, principal.user_id)
    return _view_after(db, call, queue)


def assign(db: Session, principal, call_id: int, user_id: int) -> dict:
    """A team leader hands the call to a colleague: it rings only the colleague's devices."""
    if not is_team_leader(principal):
        raise Forbidden(N_("Only team leaders assign waiting calls"))
    call, queue = _waiting(db, principal, call_id)
    if db.scalar(select(User.id).where(User.id == user_id,
                                       User.tenant_id == principal.tenant_id)) is None:
        raise not_found("user", user_id)
    _target(db, call, queue, user_id, principal.user_id)
    return _view_after(db, call, queue)


def set_priority(db: Session, principal, call_id: int, level: int) -> dict:
    """A team leader raises (or lowers) a waiting call: higher is answered first."""
    if not is_team_leader(principal):
        raise Forbidden(N_("Only team leaders change the priority of waiting calls"))
    call, queue = _waiting(db, principal, call_id)
    call.priority, call.priority_reason = level, "raised"
    return _view_after(db, call, queue)


# -- tags --------------------------------------------------------------------------------------

def set_tags(db: Session, principal, call_id: int, tags: list[str]) -> QueueCall:
    """Tags on a queue call, during it or after (kept in the queue log): by the member who
    answered it, or a team leader."""
    try:
        call, queue = _call(db, principal.tenant_id, call_id)
    except NotFound:
        raise not_found("queue call", call_id)
    leader = is_team_leader(principal)
    if not leader and call.answered_by_user_id != principal.user_id:
        if is_member(db, queue, principal.user_id):
            raise Forbidden(N_("Only the member who answered the call (or a team leader) tags "
                               "it"))
        raise not_found("queue call", call_id)
    if call.status == WAITING:
        raise Conflict(N_("A waiting call cannot be tagged before someone answers it"))
    if call.status != CONNECTED and call.answered_at is None:
        raise Conflict(N_("Only answered calls are tagged; this one is {status}"),
                       values={"status": call.status})
    call.tags = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    db.commit()
    return call
