"""Colleagues' availability for the directory: the state in force now, several users at once."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
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
    tz = db.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id)) or "UTC"
    profiles, schedules, periods = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in db.scalars(select(Profile).where(Profile.tenant_id == tenant_id,
                                                Profile.user_id.in_(ids))
                          .order_by(Profile.position, Profile.id)):
        profiles[row.user_id].append(convert.profile(row))
    for row in db.scalars(select(Schedule).where(Schedule.tenant_id == tenant_id,
                                                 Schedule.user_id.in_(ids))):
        schedules[row.user_id].append(convert.schedule(row))
    for row in db.scalars(select(BusyPeriod).where(
            BusyPeriod.tenant_id == tenant_id, BusyPeriod.user_id.in_(ids),
            BusyPeriod.starts_at < at + timedelta(days=1), BusyPeriod.ends_at > at)):
        periods[row.user_id].append(convert.busy(row))
    states = {s.user_id: s for s in db.scalars(select(State).where(State.tenant_id == tenant_id,
                                                                   State.user_id.in_(ids)))}
    out = {}
    for uid in ids:
        inputs = pure.RoutingInputs(uid, timezone=tz, profiles=tuple(profiles[uid]),
                                    schedules=tuple(schedules[uid]),
                                    busy_periods=tuple(periods[uid]),
                                    manual=convert.manual(states.get(uid)))
        state = state_at(inputs, at)
        p = state.profile
        out[uid] = {"profile_id": p.id or None, "key": p.key,
                    "name": shown_name(p.key, p.name, lang), "colour": p.colour,
                    "icon": p.icon, "note": state.note, "until": state.until,
                    "source": state.source}
    return out
