"""A user made from another as a template: the template's profiles (routing, exceptions,
schedules' profiles, queue behaviour) and device switches, never their numbers."""
from __future__ import annotations

import copy

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from .models import Device, Profile
from .services import touch, user_profiles

NOT_COPIED = {"id", "tenant_id", "user_id", "key", "is_default", "display_numbers"}
SWITCHES = ("mex", "enabled", "user_may_switch")


def on_user_copied(db: Session, template, user) -> None:
    """Subscriber of USER_COPIED: `user` (just created, with the standard profiles) takes
    the template's profiles and the switches of the template's mobile."""
    mine = {p.key: p for p in user_profiles(db, user.tenant_id, user.id) if p.key}
    columns = [a.key for a in inspect(Profile).column_attrs if a.key not in NOT_COPIED]
    for theirs in user_profiles(db, template.tenant_id, template.id):
        row = mine.get(theirs.key) if theirs.key else None
        if row is None:
            row = Profile(tenant_id=user.tenant_id, user_id=user.id, key=None)
            db.add(row)
        for name in columns:
            setattr(row, name, copy.deepcopy(getattr(theirs, name)))
        row.display_numbers = {}   # the template's numbers are not the new user's to show
    _copy_mobile_switches(db, template, user)
    touch(db, user.id)
    db.flush()


def _copy_mobile_switches(db: Session, template, user) -> None:
    def mobile(user_id: int):
        return db.scalar(select(Device).where(Device.user_id == user_id,
                                              Device.tenant_id == user.tenant_id,
                                              Device.kind == "mobile").order_by(Device.id))

    theirs, mine = mobile(template.id), mobile(user.id)
    if theirs is not None and mine is not None:
        for name in SWITCHES:
            setattr(mine, name, getattr(theirs, name))
