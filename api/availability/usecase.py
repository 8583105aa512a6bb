"""Routing a call: the one use case behind the gateway's calls and the routing preview.

"What happens if someone calls me now" and what the gateway does with the call are the same
function, so they cannot disagree. Asked about the present, it first settles the state in
force (`services.settle`): when "Lunch until 13:00" has ended, the user is back on Available
(or what the schedule says) and its queue side effects (logged back in to the chosen queues)
are written in the same transaction, once, whoever asks first: the gateway, the preview, the
app or a queue distributing a call to its members (`settle_users`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.ports import ports
from ..core.clock import now
from ..core.db import Reads, orm, run_reads
from ..core.errors import field_error
from ..core.phone import try_e164
from . import inputs as pure
from .models import Calendar, Profile, Schedule, State
from .registrations import unreachable_of, unreachable_read
from .routing import Plan, plan_for
from .services import MAX_AHEAD, _load, _utc, first_read, settle
from .state import state_at


def route_reads(db: Session | Reads, tenant_id: int, user_id: int, number: str | None,
                in_call: bool = True) -> tuple:
    """The reads routing a call starts with: the user's first row (with whether `number` is
    a colleague's), their phones not registered at the SIP edge and, with `in_call`, whether
    they are in a call. One statement on PostgreSQL (`run_reads`), or sent with the login
    check (`login_required(along=...)`)."""
    reads = (first_read(db, tenant_id, user_id, number), unreachable_read(tenant_id, user_id))
    return reads + (ports(db).in_call_read(tenant_id, user_id),) if in_call else reads


def number_without_country(caller: str | None) -> tuple[bool, str | None]:
    """(True, the caller's E.164 or None) when the number reads the same whatever the
    company's country: no caller, or one written with + or 00; else (False, None)."""
    if not caller:
        return True, None
    if caller.strip().startswith(("+", "00")):
        return True, try_e164(caller, "")
    return False, None


def route_call(db: Session | Reads, tenant_id: int, country: str, user_id: int, caller: str | None,
               *, dialled: str = "office", busy: bool | None = None,
               at: datetime | None = None, read: tuple | None = None) -> Plan:
    """The plan for a call from `caller` (any format; None when withheld) to the user's
    `dialled` number (office, mobile, main or short), now or at the instant `at`.

    `busy` None asks whether the user is in a call now. Only a question about the present
    settles (and commits) an expired choice; a what-if at another instant changes nothing.
    `read`: (number, results) of `route_reads` already run for that caller's number (with
    the login check); used when the number is this call's.
    """
    real_now = now()
    at = real_now if at is None else at
    number = try_e164(caller, country) if caller else None
    if read is not None and read[0] == number and len(read[1]) == 3:
        found = read[1]
    else:
        found = run_reads(db, route_reads(db, tenant_id, user_id, number, busy is None))
    inputs, state, colleague = _load(db, tenant_id, user_id, at, number, first=found[0])
    current = state_at(inputs, at)
    if at == real_now and settle(db, tenant_id, user_id, current, state):
        orm(db).commit()
    if busy is None:
        busy = bool(found[2] and found[2][0][0])
    return plan_for(inputs, current, pure.Caller(number, colleague), at, busy, dialled,
                    unreachable_of(found[1]))


def preview(db: Session | Reads, tenant_id: int, country: str, user_id: int, caller: str | None,
            at: datetime | None, busy: bool | None, dialled: str = "office",
            read: tuple | None = None) -> Plan:
    """"What happens if someone calls me now" (or at `at`): the very plan the gateway runs.
    `country` is the company's (a caller's number without a prefix is read in it); `read`
    as for `route_call`."""
    if at is not None:
        at = _utc("at", at)
        if abs(at - now()) > MAX_AHEAD:
            raise field_error("at", N_("must be within {days} days of now"), days=MAX_AHEAD.days)
    return route_call(db, tenant_id, country, user_id, caller, dialled=dialled,
                      busy=busy, at=at, read=read)


def settle_users(db: Session, tenant_id: int, user_ids, at: datetime | None = None) -> None:
    """Settle the state in force of these users (a queue's members before it distributes a
    call): whoever's choice ended, or whose schedule or calendar moved on, gets its queue
    side effects now. The caller commits.

    Only users whose state may have moved are loaded: those with a schedule or a calendar,
    and those whose manual choice (or its end) says another profile than the one applied.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return
    at = at or now()
    default = select(Profile.id).where(Profile.user_id == State.user_id,
                                       Profile.is_default.is_(True)).limit(1).scalar_subquery()
    manual_on = and_(State.profile_id.is_not(None),
                     or_(State.until.is_(None), State.until > at))
    expected = case((manual_on, State.profile_id), else_=default)
    movable = select(State.user_id).where(
        State.tenant_id == tenant_id, State.user_id.in_(ids),
        or_(State.applied_profile_id.is_distinct_from(expected),
            exists().where(Schedule.user_id == State.user_id),
            exists().where(Calendar.user_id == State.user_id)))
    for user_id in db.scalars(movable).all():
        inputs, state, _ = _load(db, tenant_id, user_id, at)
        settle(db, tenant_id, user_id, state_at(inputs, at), state)
