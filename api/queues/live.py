"""Queues' live state followed as it changes, whoever changes it (the API, the gateways,
the availability profiles): a flush that touches a queue, its members or its calls marks
the queue, and before the transaction commits the marked queues' live views are made once
and published (`Event.QUEUES_CHANGED`), in the same transaction.

A member's state counts in each of their queues (in a call in one queue is busy in all),
so a change to a membership marks every queue of that user; so does a user's call
ringing or ending (`on_call_changed`).
"""
from __future__ import annotations

from itertools import chain

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..core.db import Prepared
from ..core.ports import PORTS_KEY, Event, ports
from .models import Queue, QueueCall, QueueCallback, QueueMember
from .schemas import MemberSchema, QueueStatusSchema
from .status import member_view, snapshot, statuses

KEY = "queues_changed"   # Session.info: {tenant id: (queue ids, user ids)}
_ROUNDS = 3              # publishing writes only outbox rows; a second round is a safeguard


def mark(db: Session, tenant_id: int, queue_ids=(), user_ids=()) -> None:
    """These queues (and every queue of these users) changed in this transaction."""
    queues, users = db.info.setdefault(KEY, {}).setdefault(tenant_id, (set(), set()))
    queues.update(queue_ids)
    users.update(user_ids)


def _after_flush(session: Session, _context) -> None:
    dirty = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    for obj in chain(session.new, dirty, session.deleted):
        if isinstance(obj, QueueMember):
            mark(session, obj.tenant_id, [obj.queue_id], [obj.user_id])
        elif isinstance(obj, (QueueCall, QueueCallback)):
            mark(session, obj.tenant_id, [obj.queue_id])
        elif isinstance(obj, Queue) and obj not in session.deleted:
            mark(session, obj.tenant_id, [obj.id])


def _before_commit(session: Session) -> None:
    if PORTS_KEY not in session.info:  # a bare session (a migration, a script): nobody hears
        session.info.pop(KEY, None)
        return
    if session.new or session.dirty or session.deleted:
        session.flush()   # as the commit would: its changes mark the queues
    for _ in range(_ROUNDS):
        marked = session.info.pop(KEY, None)
        if not marked:
            return
        for tenant_id, (queue_ids, user_ids) in marked.items():
            ids = queue_ids | _queues_of(session, user_ids)
            found = live_views(session, tenant_id, ids) if ids else None  # in no queue
            if found:
                ports(session).events.publish(Event.QUEUES_CHANGED, session, tenant_id, found)


def _forget(session: Session, *_args) -> None:
    session.info.pop(KEY, None)


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, fn in (("after_flush", _after_flush), ("before_commit", _before_commit),
                     ("after_rollback", _forget)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def on_call_changed(db: Session, call: dict, what: str, _in_call: bool) -> None:
    """Subscriber of CALL_CHANGED: a call ringing or ending makes its user busy or free in
    their queues."""
    if what in ("ringing", "ended"):
        mark(db, call["tenant_id"], (), [call["user_id"]])


# asked before every commit that marks a user (each call's start and end): built once
_QUEUES_OF = Prepared(lambda: select(QueueMember.queue_id).where(
    QueueMember.user_id == bindparam("uid")))


def _queues_of(db: Session, user_ids: set[int]) -> set[int]:
    return {row[0] for uid in user_ids for row in _QUEUES_OF.all(db, uid=uid)}


_MEMBER_COLUMNS = (QueueMember.queue_id, QueueMember.user_id, QueueMember.priority,
                   QueueMember.is_default, QueueMember.logged_in, QueueMember.paused,
                   QueueMember.pause_reason, QueueMember.wrapup_until, QueueMember.in_call_id,
                   QueueMember.changed_at, QueueMember.changed_by_user_id,
                   QueueMember.calls_answered, User.first_name, User.last_name)


def live_views(db: Session, tenant_id: int, queue_ids) -> dict[int, dict]:
    """{queue id: {"queue": its status as `/queues/{id}/status` shows it, "members":
    {user id (text): the member's own state as `/me/queues` shows it}, "hidden"}}."""
    queues = list(db.scalars(select(Queue).where(Queue.tenant_id == tenant_id,
                                                 Queue.id.in_(sorted(queue_ids)))))
    if not queues:
        return {}
    ids = [q.id for q in queues]
    snap = snapshot(db, tenant_id, ids)
    status = statuses(db, tenant_id, queues, snap)
    rows = db.execute(select(*_MEMBER_COLUMNS).join(User, User.id == QueueMember.user_id)
                      .where(QueueMember.tenant_id == tenant_id,
                             QueueMember.queue_id.in_(ids))).all()
    members: dict[int, dict] = {qid: {} for qid in ids}
    dump_member, dump_status = MemberSchema().dump, QueueStatusSchema().dump
    for r in rows:
        name = f"{r.first_name} {r.last_name}".strip()
        members[r.queue_id][str(r.user_id)] = dump_member(
            member_view(r, None, snap.state(r), name))
    return {q.id: {"queue": dump_status(status[q.id]), "members": members[q.id],
                   "hidden": q.hide_from_switchboard} for q in queues}
