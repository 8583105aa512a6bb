"""Use cases: the state in force, choosing a profile, the routing inputs (routing a call
itself is `usecase.route_call`).

The state in force is computed when it is read (manual choice until T, else schedule, else
calendar, else Available), so nothing needs a background job to be correct. What must happen
when the state changes by itself (queues: log back in when "Lunch until 13:00" ends) happens
lazily and once: `settle` compares the state in force with the last one applied and fires
`availability_changed` only when it wins the conditional update.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import String, bindparam, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from i18n import N_

from ..accounts.models import Tenant, User
from ..core.ports import Event, ports
from ..core.clock import as_utc, now
from ..core.db import Prepared, Reads, get_scoped, orm, run_reads
from ..core.prepared import Bound
from ..core.errors import field_error
from ..core.not_found import not_found
from . import convert, inputs as pure
from .models import BusyPeriod, Calendar, Device, Profile, Schedule, State, new_stamp
from .standard import standard_profiles
from .state import State as Current, state_at

MAX_AHEAD = timedelta(days=400)
CACHE_SPAN = timedelta(days=1)
CACHE_SIZE = 5000
_cache: dict[tuple[int, int], tuple[tuple, datetime, pure.RoutingInputs]] = {}
BUSY_WINDOW = timedelta(days=2)


# -- the standard set ----------------------------------------------------------------------

def on_user_created(db: Session, user: User) -> None:
    """Hook: every new user gets the standard profiles, their mobile as a device, a state."""
    create_standard(db, user.tenant_id, user.id, user.mobile)


def create_standard(db: Session, tenant_id: int, user_id: int, mobile: str | None) -> None:
    rows = [Profile(tenant_id=tenant_id, user_id=user_id, **values)
            for values in standard_profiles()]
    db.add_all(rows)
    if mobile:
        db.add(Device(tenant_id=tenant_id, user_id=user_id, kind="mobile", label="Mobile",
                      number=mobile, mex=True, enabled=True))
    db.flush()
    db.add(State(tenant_id=tenant_id, user_id=user_id, applied_profile_id=rows[0].id,
                 applied_snapshot=convert.snapshot(convert.profile(rows[0]))))
    db.flush()


def ensure_standard(db: Session, tenant_id: int, user_id: int) -> None:
    """Users who existed before availability get the standard set on first access."""
    if db.scalar(select(Profile.id).where(Profile.user_id == user_id).limit(1)) is not None:
        return
    mobile = db.scalar(select(User.mobile).where(User.id == user_id))
    try:
        with db.begin_nested():
            create_standard(db, tenant_id, user_id, mobile)
    except IntegrityError:  # another request created them first
        pass


# -- loading the inputs --------------------------------------------------------------------

def routing_inputs(db: Session, tenant_id: int, user_id: int,
                   around: datetime | None = None) -> pure.RoutingInputs:
    """Everything `routing.decide` needs for one user (busy periods near `around`, or now)."""
    return _load(db, tenant_id, user_id, around)[0]


def _first_query():
    """`_load`'s first query (asked for every call): the user's numbers, the company's zone
    and language, the state row's columns, the calendar, and whether `number` is a
    colleague's mobile or office number (false when it is NULL)."""
    number = bindparam("number", type_=String)
    colleague = exists().where(User.tenant_id == bindparam("tid"),
                               or_(User.mobile == number, User.office_number == number))
    return (select(User.office_number, User.mobile, Tenant.timezone, Tenant.language,
                   State.user_id.label("state_user_id"),
                   *[c.label(f"state_{c.name}") for c in State.__table__.c
                     if c.name != "user_id"],
                   Calendar.user_id.label("calendar_user_id"), colleague.label("colleague"))
            .join(Tenant, Tenant.id == User.tenant_id)
            .outerjoin(State, State.user_id == User.id)
            .outerjoin(Calendar, Calendar.user_id == User.id)
            .where(User.id == bindparam("uid"), User.tenant_id == bindparam("tid")))


# on the driver's cursor: it runs for every call (one row: it may go with other reads)
_FIRST = Prepared(_first_query, one_row=True)
NOT_READ = object()


def first_read(db: Session | Reads, tenant_id: int, user_id: int,
               colleague_number: str | None = None) -> Bound:
    """`_load`'s first query as a read to send with others (`run_reads`), after what the
    Session holds unwritten is flushed (what the ORM query did by itself, autoflush)."""
    if isinstance(db, Session) and (db.new or db.dirty or db.deleted):
        db.flush()
    return _FIRST.bound(uid=user_id, tid=tenant_id, number=colleague_number)
_STATE_COLUMNS = tuple(c.name for c in State.__table__.c)


def _state_of(row) -> SimpleNamespace | None:
    """The state row's columns as attributes (read-only; `settle` writes with an UPDATE)."""
    if row.state_user_id is None:
        return None
    return SimpleNamespace(**{name: getattr(row, f"state_{name}") for name in _STATE_COLUMNS})


def _load(db: Session | Reads, tenant_id: int, user_id: int, around: datetime | None,
          colleague_number: str | None = None, first=NOT_READ
          ) -> tuple[pure.RoutingInputs, SimpleNamespace | None, bool]:
    """The routing inputs, the user's state row (its columns, read-only) and whether
    `colleague_number` is a colleague's (asked in the same first query).

    Four or five queries: the user with tenant, state and calendar; profiles; devices;
    schedules; busy periods (only with a calendar). A user without profiles gets the
    standard set first. Each worker keeps the result and reuses it, after the first query
    only, while the state's `stamp` (changed by `touch` on every edit), the office number,
    the company's zone and language are the same and `around` is within a day. `first`:
    the rows of `first_read` when the caller read them (with its other reads).
    """
    around = around or now()
    cache_key = (tenant_id, user_id)
    if first is NOT_READ:
        first = run_reads(db, (first_read(db, tenant_id, user_id, colleague_number),))[0]
    row = first[0] if first else None
    if row is None:
        return pure.RoutingInputs(user_id), None, False
    office, mobile, tz, language = row.office_number, row.mobile, row.timezone, row.language
    state, calendar, colleague = _state_of(row), row.calendar_user_id, bool(row.colleague)
    fingerprint = (state.stamp if state is not None else None, office, mobile, tz, language,
                   calendar is not None)
    hit = _cache.get(cache_key)
    if state is not None and hit is not None and hit[0] == fingerprint \
            and abs(around - hit[1]) <= CACHE_SPAN:
        return replace(hit[2], manual=convert.manual(state)), state, colleague
    db = orm(db)  # the inputs are loaded as ORM rows
    profiles = user_profiles(db, tenant_id, user_id)
    if not profiles:
        ensure_standard(db, tenant_id, user_id)
        profiles = user_profiles(db, tenant_id, user_id)
        state = _state_of(_FIRST.first(db, uid=user_id, tid=tenant_id, number=None))
    devices = db.scalars(select(Device).where(Device.user_id == user_id,
                                              Device.tenant_id == tenant_id)
                         .order_by(Device.id)).all()
    schedules = db.scalars(select(Schedule).where(Schedule.user_id == user_id,
                                                  Schedule.tenant_id == tenant_id)).all()
    periods = () if calendar is None else db.scalars(select(BusyPeriod).where(
        BusyPeriod.user_id == user_id, BusyPeriod.tenant_id == tenant_id,
        BusyPeriod.starts_at < around + BUSY_WINDOW,
        BusyPeriod.ends_at > around - BUSY_WINDOW)).all()
    inputs = pure.RoutingInputs(
        user_id=user_id, timezone=tz, language=language, office_number=office,
        mobile_number=mobile,
        profiles=tuple(convert.profile(p) for p in profiles),
        devices=tuple(d for d in (convert.device(r) for r in devices) if d is not None),
        schedules=tuple(convert.schedule(s) for s in schedules),
        busy_periods=tuple(convert.busy(b) for b in periods))
    if state is not None:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[cache_key] = (fingerprint, around, inputs)
    return replace(inputs, manual=convert.manual(state)), state, colleague


def touch(db: Session, user_id: int) -> None:
    """The user's profiles, devices, schedules or calendar changed: cached inputs are stale."""
    state = db.get(State, user_id)
    if state is not None:
        state.stamp = new_stamp()


def own(db: Session, model: type, row_id: int, tenant_id: int, user_id: int, what: str):
    """One of this user's rows; someone else's is answered like a missing one."""
    row = get_scoped(db, model, row_id, tenant_id, what)
    if row.user_id != user_id:
        raise not_found(what, row_id)
    return row


def remove(db: Session, row) -> None:
    """Delete one of a user's rows (a device, a schedule entry) and commit."""
    db.delete(row)
    touch(db, row.user_id)
    db.commit()


def user_profiles(db: Session, tenant_id: int, user_id: int) -> list[Profile]:
    return list(db.scalars(select(Profile).where(Profile.user_id == user_id,
                                                 Profile.tenant_id == tenant_id)
                           .order_by(Profile.position, Profile.id)))


def _utc(field: str, value: datetime) -> datetime:
    try:
        return value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise field_error(field, N_("is out of range"))


# -- the state in force and its side effects -----------------------------------------------

def settle(db: Session | Reads, tenant_id: int, user_id: int, current: Current,
           state) -> bool:
    """Fire availability_changed once when the state in force differs from the one applied.
    Returns whether anything was written (the caller commits)."""
    if state is None or state.tenant_id != tenant_id:
        return False
    new_id = current.profile.id
    if state.applied_profile_id == new_id:
        return False
    db = orm(db)
    old_id = state.applied_profile_id
    cond = State.applied_profile_id.is_(None) if old_id is None else \
        State.applied_profile_id == old_id
    snap = convert.snapshot(current.profile)
    won = db.execute(update(State).where(State.user_id == user_id, cond)
                     .values(applied_profile_id=new_id, applied_snapshot=snap)
                     .execution_options(synchronize_session=False)).rowcount
    if won == 1:
        old_snap = state.applied_snapshot
        loaded = db.identity_map.get(identity_key(State, user_id))
        if loaded is not None:  # the UPDATE went around it
            db.expire(loaded)
        ports(db).events.publish(Event.AVAILABILITY_CHANGED, db, tenant_id, user_id, old_snap,
                                 snap)
    return True


def current_state(db: Session, tenant_id: int, user_id: int,
                  at: datetime | None = None) -> tuple[pure.RoutingInputs, Current]:
    """The state in force for a user (settling queue behaviour when it changed by itself)."""
    at = at or now()
    inputs, state, _ = _load(db, tenant_id, user_id, None)
    current = state_at(inputs, at)
    settle(db, tenant_id, user_id, current, state)
    db.commit()
    return inputs, current


def set_availability(db: Session, tenant_id: int, user_id: int, actor_id: int,
                     profile_id: int, until: datetime | None, note: str | None) -> Current:
    """Activate a profile (until a time, or until changed); apply its queue behaviour."""
    ensure_standard(db, tenant_id, user_id)
    at = now()
    profile = db.scalar(select(Profile).where(Profile.id == profile_id,
                                              Profile.user_id == user_id,
                                              Profile.tenant_id == tenant_id))
    if profile is None:
        raise field_error("profile_id", N_("no profile with id {id} for this user"),
                          id=profile_id)
    if until is not None:
        until = _utc("until", until)
        if until <= at:
            raise field_error("until", N_("must be in the future"))
        if until - at > MAX_AHEAD:
            raise field_error("until", N_("must be within {days} days"), days=MAX_AHEAD.days)
    state = db.get(State, user_id)
    before = (as_utc(state.until), state.note)
    if profile.is_default and until is None:  # back to Available: schedules apply again
        state.profile_id, state.until, state.note = None, None, note
    else:
        state.profile_id, state.until, state.note = profile.id, until, note
    state.set_at, state.set_by = at, actor_id
    after = (as_utc(state.until), state.note)
    db.flush()
    inputs, state, _ = _load(db, tenant_id, user_id, None)
    current = state_at(inputs, at)
    if not settle(db, tenant_id, user_id, current, state) and before != after:
        # the same profile with another note or end: colleagues see it, nothing else changes
        ports(db).events.publish(Event.PRESENCE_CHANGED, db, tenant_id, user_id)
    db.commit()
    return current


# -- feature codes -------------------------------------------------------------------------


def activate_code(db: Session, tenant_id: int, user_id: int, dialled: str) -> Current | None:
    """The gateway's entry for a feature code dialled from one of the user's phones."""
    from .featurecodes import parse

    inputs = routing_inputs(db, tenant_id, user_id)
    command = parse(dialled, inputs.profiles)
    if command is None:
        return None
    until = now() + timedelta(minutes=command.minutes) if command.minutes else None
    return set_availability(db, tenant_id, user_id, user_id, command.profile_id, until, None)
