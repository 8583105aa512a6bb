"""Live status of queues: calls waiting, longest wait, and each member's state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time as day_time
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from ..accounts.models import Tenant, User
from ..core.ports import ports
from ..core.clock import as_utc, now
from ..core.db import Prepared, UTCDateTime
from . import distribution
from .models import Queue, QueueCall, QueueMember

WAITING = "waiting"
CONNECTED = "connected"


@dataclass
class Snapshot:
    """What the live status of some queues is made of, read in three queries."""

    at: datetime
    waiting: list[tuple[int, datetime]]   # (queue id, entered at) of calls waiting
    members: list  # rows with the membership's state columns (or QueueMember objects)
    ringing: set[int]                     # users ringing for a waiting queue call
    busy: set[int]                        # users in a call (queue call or any other)

    def state(self, m: QueueMember) -> str:
        return member_state(m, self.at, self.ringing, self.busy)


_STATE_COLUMNS = (QueueMember.queue_id, QueueMember.user_id, QueueMember.logged_in,
                  QueueMember.paused, QueueMember.wrapup_until, QueueMember.in_call_id)

# The status screens are polled by every member's phone: their queries are prepared once
# (`Prepared`) for two scopes: the queues of one member (`mine`: tid, uid) and one queue
# (`one`: tid, qid). Lists of queues (`_ids`: tid, qids) run the same statements through
# SQLAlchemy, as an expanding IN cannot be prepared once.
_Mine = aliased(QueueMember)
SCOPES = {
    "mine": lambda col: col.in_(select(_Mine.queue_id).where(
        _Mine.tenant_id == bindparam("tid"), _Mine.user_id == bindparam("uid"))),
    "one": lambda col: col == bindparam("qid"),
}
_WAITING = Prepared(lambda: select(QueueCall.queue_id, QueueCall.entered_at,
                                   QueueCall.ringing_user_ids)
                    .where(QueueCall.tenant_id == bindparam("tid"), QueueCall.status == WAITING))


def _members_stmt(scope):
    return select(*_STATE_COLUMNS).where(QueueMember.tenant_id == bindparam("tid"),
                                         scope(QueueMember.queue_id))


def _ended_since_stmt(scope):
    return (select(QueueCall.queue_id, QueueCall.status, QueueCall.entered_at,
                   QueueCall.answered_at)
            .where(QueueCall.tenant_id == bindparam("tid"), scope(QueueCall.queue_id),
                   QueueCall.entered_at >= bindparam("since", type_=UTCDateTime()),
                   QueueCall.ended_at.is_not(None)))


def _ids(col):
    return col.in_(bindparam("qids", expanding=True))


_MEMBERS = {scope: Prepared(lambda f=f: _members_stmt(f)) for scope, f in SCOPES.items()}
_TALKING = Prepared(lambda: select(QueueMember.user_id).where(
    QueueMember.tenant_id == bindparam("tid"), QueueMember.in_call_id.is_not(None)))
_ENDED_SINCE = {scope: Prepared(lambda f=f: _ended_since_stmt(f))
                for scope, f in SCOPES.items()}
_TIMEZONE = Prepared(lambda: select(Tenant.timezone).where(Tenant.id == bindparam("tid")))


def snapshot(db: Session, tenant_id: int, queue_ids: list[int], scope: str | None = None,
             **params) -> Snapshot:
    """Waiting calls, the members of the queues (`queue_ids`, or the prepared `scope` with
    its parameters) and who of them is busy."""
    waiting, ringing = [], set()
    for qid, entered, ids in _WAITING.all(db, tid=tenant_id):
        waiting.append((qid, as_utc(entered)))
        ringing.update(ids or ())
    if scope is not None:
        members = _MEMBERS[scope].all(db, tid=tenant_id, **params)
    else:
        members = db.execute(_members_stmt(_ids), {"tid": tenant_id, "qids": queue_ids}
                             ).all() if queue_ids else []
    busy = _in_call(db, tenant_id, {m.user_id for m in members})
    return Snapshot(now(), waiting, members, ringing, busy)


def _in_call(db: Session, tenant_id: int, user_ids: set[int]) -> set[int]:
    """Users talking in a queue call, or in any call the gateway knows of."""
    if not user_ids:
        return set()
    busy = {uid for (uid,) in _TALKING.all(db, tid=tenant_id)}
    busy |= set(ports(db).in_call_user_ids(db, tenant_id, user_ids))
    return busy & user_ids


def busy_user_ids(db: Session, tenant_id: int, user_ids: set[int]) -> set[int]:
    """Users who must not get a queue call now: in a call, or ringing for another one."""
    snap = snapshot(db, tenant_id, [])
    return (_in_call(db, tenant_id, user_ids) | snap.ringing) & user_ids


def as_member(m: QueueMember, *, busy: bool = False) -> distribution.Member:
    """The pure core's view of a membership."""
    return distribution.Member(user_id=m.user_id, priority=m.priority, logged_in=m.logged_in,
                               paused=m.paused, in_call=busy or m.in_call_id is not None,
                               wrapup_until=m.wrapup_until, idle_since=m.idle_since)


def member_state(m: QueueMember, at: datetime, ringing: set[int], busy: set[int]) -> str:
    if not m.logged_in:
        return "logged_out"
    if m.in_call_id is not None:
        return "in_call"
    if m.user_id in ringing:
        return "ringing"
    if m.paused:
        return "paused"
    if m.wrapup_until is not None and m.wrapup_until > at:
        return "wrap_up"
    if m.user_id in busy:
        return "in_call"
    return "available"


def member_view(m: QueueMember, user: User | None, state: str, name: str | None = None
                ) -> dict:
    return {"user_id": m.user_id, "name": user.full_name if user else name,
            "priority": m.priority, "is_default": m.is_default, "logged_in": m.logged_in,
            "paused": m.paused, "pause_reason": m.pause_reason, "wrapup_until": m.wrapup_until,
            "state": state, "changed_at": m.changed_at,
            "changed_by_user_id": m.changed_by_user_id, "calls_answered": m.calls_answered,
            "login_schedule": getattr(m, "login_schedule", None),
            "device_ids": getattr(m, "device_ids", None)}


_COUNTED = {"available": "available", "wrap_up": "in_wrap_up", "in_call": "in_call",
            "ringing": "in_call", "paused": "paused"}


def day_start(db: Session, tenant_id: int, at: datetime) -> datetime:
    """Midnight of `at`'s day in the company's time zone (the queue statistics' "today")."""
    row = _TIMEZONE.first(db, tid=tenant_id)
    name = (row.timezone if row else None) or "UTC"
    try:
        zone = ZoneInfo(name)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    local = at.astimezone(zone)
    return datetime.combine(local.date(), day_time(0), tzinfo=zone)


def service_level(calls: list[tuple[str, datetime, datetime | None]], target_s: int) -> dict:
    """Today's figures of one queue from its finished calls (status, entered, answered).

    The service level is the share of offered calls (answered, abandoned, timed out; a
    caller who asked for a callback is not counted against it) answered within `target_s`.
    """
    answered = [(e, a) for st, e, a in calls if st in ("answered", "transferred") and a]
    lost = [1 for st, _, _ in calls if st in ("abandoned", "timed_out")]
    within = sum(1 for e, a in answered if (a - e).total_seconds() <= target_s)
    offered = len(answered) + len(lost)
    return {"calls_today": len(calls), "answered_today": len(answered),
            "missed_today": len(lost),
            "service_level_pct": round(100.0 * within / offered, 1) if offered else None}


def _today(db: Session, tenant_id: int, queue_ids: list[int], at: datetime,
           scope: str | None = None, **params) -> dict:
    """{queue id: [(status, entered, answered)]} of the calls that entered today and ended."""
    out: dict[int, list] = {}
    since = day_start(db, tenant_id, at)
    if scope is not None:
        rows = _ENDED_SINCE[scope].all(db, tid=tenant_id, since=since, **params)
    else:
        rows = db.execute(_ended_since_stmt(_ids),
                          {"tid": tenant_id, "qids": queue_ids, "since": since})
    for qid, st, entered, answered in rows:
        out.setdefault(qid, []).append((st, as_utc(entered), as_utc(answered)))
    return out


def statuses(db: Session, tenant_id: int, queues: list[Queue],
             snap: Snapshot | None = None, *, today: bool = True, scope: str | None = None,
             **params) -> dict[int, dict]:
    """{queue id: live status} for the given queues; with `today`, also today's figures
    (calls, answered, missed, service level). `scope` and `params`: see `snapshot`."""
    if not queues:
        return {}
    ids = [q.id for q in queues]
    snap = snap or snapshot(db, tenant_id, ids, scope, **params)
    history = _today(db, tenant_id, ids, snap.at, scope, **params) if today else {}
    out: dict[int, dict] = {}
    for q in queues:
        waits = [entered for qid, entered in snap.waiting if qid == q.id]
        counts = {"logged_in": 0, "available": 0, "in_wrap_up": 0, "in_call": 0, "paused": 0}
        mine = [m for m in snap.members if m.queue_id == q.id]
        for m in mine:
            counts["logged_in"] += m.logged_in
            key = _COUNTED.get(snap.state(m))
            if key:
                counts[key] += 1
        longest = max(0, int((snap.at - min(waits)).total_seconds())) if waits else 0
        out[q.id] = {"id": q.id, "name": q.name, "number": q.number,
                     "short_number": q.short_number, "calls_waiting": len(waits),
                     "longest_wait_s": longest, "members": len(mine), **counts}
        if today:
            out[q.id].update(service_level_s=q.service_level_s,
                             **service_level(history.get(q.id, []), q.service_level_s))
    return out


# one row per membership of a user: the queue's columns, the membership's and the user's name
_MY_ROWS = Prepared(lambda: select(
    Queue.id, Queue.name, Queue.number, Queue.short_number, Queue.service_level_s,
    QueueMember.queue_id, QueueMember.user_id, QueueMember.priority, QueueMember.is_default,
    QueueMember.logged_in, QueueMember.paused, QueueMember.pause_reason,
    QueueMember.wrapup_until, QueueMember.in_call_id, QueueMember.changed_at,
    QueueMember.changed_by_user_id, QueueMember.calls_answered, QueueMember.login_schedule,
    QueueMember.device_ids, User.first_name, User.last_name)
    .join(QueueMember, QueueMember.queue_id == Queue.id)
    .join(User, User.id == QueueMember.user_id)
    .where(Queue.tenant_id == bindparam("tid"), QueueMember.user_id == bindparam("uid"))
    .order_by(Queue.name, Queue.id))


def my_queues(db: Session, tenant_id: int, user_id: int) -> list[dict]:
    """The queues a user is a member of, each with live status and the user's own state."""
    rows = _MY_ROWS.all(db, tid=tenant_id, uid=user_id)  # each row: queue and membership
    if not rows:
        return []
    snap = snapshot(db, tenant_id, [], "mine", uid=user_id)
    status = statuses(db, tenant_id, rows, snap, scope="mine", uid=user_id)
    name = f"{rows[0].first_name} {rows[0].last_name}".strip()
    return [{**status[r.id], "me": member_view(r, None, snap.state(r), name)} for r in rows]


def queue_summary(db: Session, tenant_id: int, queue_ids) -> dict[int, dict]:
    """For other features (favourites, transfer targets): {queue id: live status}."""
    ids = [int(i) for i in queue_ids if 0 < int(i) < 2**31]
    queues = list(db.scalars(select(Queue).where(Queue.tenant_id == tenant_id,
                                                 Queue.id.in_(ids)))) if ids else []
    return statuses(db, tenant_id, queues, today=False)


def queue_target(db: Session, tenant_id: int, queue_id) -> dict | None:
    """A queue as a favourite or transfer target: name, number and live status."""
    try:
        queue_id = int(queue_id)
    except (TypeError, ValueError):
        return None
    live = queue_summary(db, tenant_id, [queue_id]).get(queue_id)
    if live is None:
        return None
    return {"name": live["name"], "number": live["number"], "availability": live}
