"""The personal call log and the queue log: what the gateway writes and the app reads."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, bindparam, insert, select
from sqlalchemy.orm import Session

from ..core.ports import Event, ports
from ..core.clock import now
from ..core.db import Prepared
from ..core.not_found import not_found
from ..core.phone import try_e164
from .models import CallLogEntry, QueueLogEntry
from .sources import Hit
from .why import bounded_reason, outcome_of

DIRECTIONS = ("incoming", "outgoing")
STATUSES = ("answered", "missed", "rejected", "busy", "failed")
QUEUE_EVENTS = ("answered", "abandoned", "transferred", "timed_out", "callback_requested")


def _tenant_country(db: Session, tenant_id: int) -> str:
    from ..accounts.models import Tenant

    country = db.scalar(select(Tenant.country).where(Tenant.id == tenant_id))
    if country is None:
        raise not_found("company", tenant_id)
    return country


def _number(db: Session, tenant_id: int, raw: str | None, country: str | None = None
            ) -> str | None:
    if not raw:
        return None
    return try_e164(raw, country or _tenant_country(db, tenant_id)) or raw.strip()[:32]


def _company_and_user() -> Select:
    """The company's country, and the user's id when the user is in that company."""
    from ..accounts.models import Tenant, User

    return (select(Tenant.country, User.id.label("user_id"))
            .outerjoin(User, (User.id == bindparam("uid")) & (User.tenant_id == Tenant.id))
            .where(Tenant.id == bindparam("tid")))


_COUNTRY_AND_USER = Prepared(_company_and_user)


def _hit_dict(hit) -> dict | None:
    if hit is None:
        return None
    return hit.as_dict() if isinstance(hit, Hit) else dict(hit)


def _user_in_tenant(db: Session, tenant_id: int, user_id: int | None) -> None:
    from ..accounts.models import User

    if user_id is not None and db.scalar(select(User.id).where(
            User.id == user_id, User.tenant_id == tenant_id)) is None:
        raise not_found("user", user_id)


_CALL_LOG_INSERT = insert(CallLogEntry.__table__)  # built once; the values are bound per call


def record_call(db: Session, tenant_id: int, user_id: int, *, direction: str, status: str,
                other_number: str | None, started_at: datetime | None = None,
                answered_at: datetime | None = None, ended_at: datetime | None = None,
                call_id: str | None = None, hit: Hit | dict | None = None,
                look_up: bool = True, via_queue_id: int | None = None,
                transferred_by_user_id: int | None = None, is_callback: bool = False,
                via_main_number_id: int | None = None, end_reason: str | None = None,
                answered_by: str | None = None, reason: dict | None = None) -> int:
    """Write one call to a user's personal log and commit; the entry's id.

    `hit` is the who's-calling answer the user saw; without one (and with `look_up`) the
    number is looked up now, so a missed call still shows who called. The gateway writes one
    for every call: a Core insert, no unit of work. `end_reason`: the code of why the phone
    system cut the call (`why.END_REASONS`: a gateway that died), None for a call that ended
    normally. `answered_by`: the
    kind of target that took the call (voicemail, forward, a device); `reason`: the routing
    that decided it ({"profile", "rule", "forwarded_to"}), told back by the call log.
    """
    if direction not in DIRECTIONS or status not in STATUSES:
        raise ValueError(f"direction must be one of {DIRECTIONS}, status one of {STATUSES}")
    found = _COUNTRY_AND_USER.first(db, tid=tenant_id, uid=user_id)
    if found is None:
        raise not_found("company", tenant_id)
    if found.user_id is None:
        raise not_found("user", user_id)
    number = _number(db, tenant_id, other_number, found.country)
    if hit is None and look_up and number:
        from .lookup import lookup
        hit = lookup(db, tenant_id, user_id, number, respect_setting=False)
    entry = dict(
        tenant_id=tenant_id, user_id=user_id, call_id=call_id, direction=direction,
        status=status, other_number=number, hit=_hit_dict(hit), via_queue_id=via_queue_id,
        via_main_number_id=via_main_number_id, transferred_by_user_id=transferred_by_user_id,
        is_callback=is_callback, started_at=started_at or now(), answered_at=answered_at,
        ended_at=ended_at, end_reason=end_reason and end_reason[:100],
        outcome=outcome_of(status, answered_by), reason=bounded_reason(reason))
    entry_id = db.connection().execute(_CALL_LOG_INSERT, entry).inserted_primary_key[0]
    if status == "missed" and direction == "incoming":
        ports(db).events.publish(Event.CALL_MISSED, db, dict(entry, id=entry_id))
    db.commit()
    return entry_id


def record_queue_event(db: Session, tenant_id: int, queue_id: int, event: str, *,
                       caller_number: str | None, call_id: str | None = None,
                       member_user_id: int | None = None, transferred_to: str | None = None,
                       wait_s: int | None = None, at: datetime | None = None,
                       hit: Hit | dict | None = None, look_up: bool = True,
                       commit: bool = True) -> QueueLogEntry:
    """Write one queue event (answered, abandoned, transferred, timed_out, callback_requested).

    `commit=False` leaves the transaction to the caller (a hook inside another use case).
    """
    if event not in QUEUE_EVENTS:
        raise ValueError(f"event must be one of {QUEUE_EVENTS}")
    _user_in_tenant(db, tenant_id, member_user_id)
    number = _number(db, tenant_id, caller_number)
    if hit is None and look_up and number:
        from .lookup import lookup
        hit = lookup(db, tenant_id, member_user_id, number, respect_setting=False)
    entry = QueueLogEntry(tenant_id=tenant_id, queue_id=queue_id, call_id=call_id, event=event,
                          caller_number=number, hit=_hit_dict(hit),
                          member_user_id=member_user_id, transferred_to=transferred_to,
                          wait_s=wait_s, at=at or now())
    db.add(entry)
    if commit:
        db.commit()
    else:
        db.flush()
    return entry


def personal_log(tenant_id: int, user_id: int, args: dict) -> Select:
    stmt = select(CallLogEntry).where(CallLogEntry.tenant_id == tenant_id,
                                      CallLogEntry.user_id == user_id)
    if args.get("missed"):
        stmt = stmt.where(CallLogEntry.status == "missed", CallLogEntry.direction == "incoming")
    if "handled" in args:
        stmt = stmt.where(CallLogEntry.handled_at.isnot(None) if args["handled"]
                          else CallLogEntry.handled_at.is_(None))
    if args.get("direction"):
        stmt = stmt.where(CallLogEntry.direction == args["direction"])
    if args.get("since"):
        stmt = stmt.where(CallLogEntry.started_at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(CallLogEntry.started_at < args["until"])
    return stmt.order_by(CallLogEntry.started_at.desc(), CallLogEntry.id.desc())


def with_transfers(db: Session, tenant_id: int, user_id: int, entries: list) -> list:
    """The entries, each with `transfer`: the one I made of that call (or None)."""
    found = ports(db).call_transfers(db, tenant_id, user_id, [e.call_id for e in entries])
    for e in entries:
        e.transfer = found.get(e.call_id) if e.call_id else None
    return with_voicemails(db, tenant_id, user_id, entries)


def with_voicemails(db: Session, tenant_id: int, user_id: int, entries: list) -> list:
    """The entries, each with `voicemail_id`: the message the caller left (or None)."""
    found = ports(db).call_voicemails(db, tenant_id, user_id, [e.call_id for e in entries])
    for e in entries:
        e.voicemail_id = found.get(e.call_id) if e.call_id else None
    return entries


def mark_handled(db: Session, tenant_id: int, user_id: int, entry_id: int, handled: bool
                 ) -> CallLogEntry:
    entry = db.scalar(select(CallLogEntry).where(CallLogEntry.id == entry_id,
                                                 CallLogEntry.tenant_id == tenant_id,
                                                 CallLogEntry.user_id == user_id))
    if entry is None:
        raise not_found("call log entry", entry_id)
    entry.handled_at = (entry.handled_at or now()) if handled else None
    db.commit()
    return entry


def queue_log(principal, args: dict) -> Select:
    """Supervisors (manage_queues, log_others_in_queues) see every queue; others their calls."""
    stmt = select(QueueLogEntry).where(QueueLogEntry.tenant_id == principal.tenant_id)
    if not (principal.can("manage_queues") or principal.can("log_others_in_queues")):
        stmt = stmt.where(QueueLogEntry.member_user_id == principal.user_id)
    for key, col in (("queue_id", QueueLogEntry.queue_id), ("event", QueueLogEntry.event)):
        if args.get(key) is not None:
            stmt = stmt.where(col == args[key])
    if args.get("since"):
        stmt = stmt.where(QueueLogEntry.at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(QueueLogEntry.at < args["until"])
    return stmt.order_by(QueueLogEntry.at.desc(), QueueLogEntry.id.desc())


def _last_personal():
    return (select(CallLogEntry.user_id, CallLogEntry.answered_at, CallLogEntry.started_at)
            .where(CallLogEntry.tenant_id == bindparam("tid"),
                   CallLogEntry.other_number == bindparam("number"),
                   CallLogEntry.direction == "incoming", CallLogEntry.status == "answered")
            .order_by(CallLogEntry.started_at.desc()).limit(1))


def _last_queued():
    return (select(QueueLogEntry.member_user_id, QueueLogEntry.at)
            .where(QueueLogEntry.tenant_id == bindparam("tid"),
                   QueueLogEntry.caller_number == bindparam("number"),
                   QueueLogEntry.event == "answered", QueueLogEntry.member_user_id.isnot(None))
            .order_by(QueueLogEntry.at.desc()).limit(1))


def _colleague_name():
    from ..accounts.models import User

    return select(User.id, User.first_name, User.last_name).where(
        User.id == bindparam("uid"), User.tenant_id == bindparam("tid"))


# asked before every incoming call rings: prepared once
_LAST_PERSONAL, _LAST_QUEUED = Prepared(_last_personal), Prepared(_last_queued)
_COLLEAGUE_NAME = Prepared(_colleague_name)


def last_spoke_to(db: Session, tenant_id: int, e164: str | None) -> dict | None:
    """Whom this caller spoke to the last time they called the company (either log)."""
    if not e164:
        return None
    personal = _LAST_PERSONAL.first(db, tid=tenant_id, number=e164)
    queued = _LAST_QUEUED.first(db, tid=tenant_id, number=e164)
    candidates = []
    if personal:
        candidates.append((personal.answered_at or personal.started_at, personal.user_id))
    if queued:
        candidates.append((queued.at, queued.member_user_id))
    if not candidates:
        return None
    at, uid = max(candidates)
    user = _COLLEAGUE_NAME.first(db, uid=uid, tid=tenant_id)
    if user is None:
        return None
    return {"user_id": user.id, "name": f"{user.first_name} {user.last_name}".strip(),
            "at": at.isoformat()}