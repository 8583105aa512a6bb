"""Colleagues' availability for the directory: the state in force now, several users at once."""
from __future__ import annotations

import functools
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..accounts.models import Tenant
from ..core.clock import now
from . import convert, inputs as pure
from .models import BusyPeriod, Profile, Schedule, State
from .standard import shown_name
from .state import state_at

MAX_USERS = 1000


def presence(db: Session, tenant_id: int, user_ids) -> dict[int, dict]:
    """{user_id: {profile_id, key, name, colour, icon, note, until, source}} for the given users."""
    ids = sorted({int(u) for u in user_ids})[:MAX_USERS]
    if not ids:
        return {}
    at = now()
    from ..core.request_language import request_language   # the web API's reader

    lang = request_language()
    if len(ids) == 1:  # a call starting or ending, an availability change: one user
        return {ids[0]: _shown(_one(db, tenant_id, ids[0], at), at, lang)}
    q = _queries()
    args = {"tid": tenant_id, "ids": ids}
    tz = db.scalar(q.timezone, args) or "UTC"
    # plain rows, not ORM objects, and statements built once: the columns are what
    # `convert` reads, at a fraction of the cost
    profiles, schedules, periods = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in db.execute(q.profiles, args):
        profiles[row.user_id].append(convert.profile(row))
    for row in db.execute(q.schedules, args):
        schedules[row.user_id].append(convert.schedule(row))
    for row in db.execute(q.periods, {**args, "since": at, "until": at + timedelta(days=1)}):
        periods[row.user_id].append(convert.busy(row))
    states = {s.user_id: s for s in db.execute(q.states, args)}
    out = {}
    for uid in ids:
        inputs = pure.RoutingInputs(uid, timezone=tz, profiles=tuple(profiles[uid]),
                                    schedules=tuple(schedules[uid]),
                                    busy_periods=tuple(periods[uid]),
                                    manual=convert.manual(states.get(uid)))
        out[uid] = _shown(inputs, at, lang)
    return out


def _one(db: Session, tenant_id: int, user_id: int, at) -> pure.RoutingInputs:
    """One user's inputs through routing's own load (`services._load`, one prepared query
    on the driver's cursor): what this process loaded before is reused while the user's
    state stamp (renewed by every change to profiles, schedules, devices or calendar),
    numbers and company say it is current, the full load runs otherwise. A call's start and
    end thus cost one plain query, not five, and routing and presence share the load."""
    from .services import _load

    return _load(db, tenant_id, user_id, at)[0]


def _shown(inputs: pure.RoutingInputs, at, lang: str) -> dict:
    state = state_at(inputs, at)
    p = state.profile
    return {"profile_id": p.id or None, "key": p.key, "name": shown_name(p.key, p.name, lang),
            "colour": p.colour, "icon": p.icon, "note": state.note, "until": state.until,
            "source": state.source}


@functools.cache
def _queries() -> SimpleNamespace:
    """The statements `presence` runs for several users (parameters: tid, ids; since,
    until)."""
    tid, ids = bindparam("tid"), bindparam("ids", expanding=True)

    def of(model):
        return select(model.__table__).where(model.tenant_id == tid, model.user_id.in_(ids))

    return SimpleNamespace(
        timezone=select(Tenant.timezone).where(Tenant.id == tid),
        profiles=of(Profile).order_by(Profile.position, Profile.id),
        schedules=of(Schedule),
        periods=of(BusyPeriod).where(BusyPeriod.starts_at < bindparam("until"),
                                     BusyPeriod.ends_at > bindparam("since")),
        states=of(State))
