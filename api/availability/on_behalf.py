"""An administrator changes a user's profiles and schedules: the user's own use cases, each
change recorded in the audit log (who, what, before and after)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..accounts.models import Tenant
from ..audit.recorder import Actor, change, created
from . import profiles, schedules
from .models import Profile, Schedule
from .services import remove


def create_profile(db: Session, tenant: Tenant, actor: Actor, user_id: int,
                   data: dict[str, Any]) -> Profile:
    row = profiles.create_profile(db, tenant, user_id, data)
    created(db, actor, "profile", row, user_id=user_id)
    return row


def update_profile(db: Session, tenant: Tenant, actor: Actor, user_id: int, profile_id: int,
                   data: dict[str, Any]) -> Profile:
    row = profiles.get_profile(db, tenant.id, user_id, profile_id)
    with change(db, actor, "profile", row, user_id=user_id):
        return profiles.update_profile(db, tenant, row, data)


def delete_profile(db: Session, actor: Actor, user_id: int, profile_id: int) -> None:
    row = profiles.get_profile(db, actor.tenant_id, user_id, profile_id)
    with change(db, actor, "profile", row, deleting=True, user_id=user_id):
        profiles.delete_profile(db, row)


def create_schedule(db: Session, actor: Actor, user_id: int, data: dict[str, Any]) -> Schedule:
    row = schedules.save_schedule(db, actor.tenant_id, user_id, None, data)
    created(db, actor, "schedule", row, user_id=user_id)
    return row


def update_schedule(db: Session, actor: Actor, user_id: int, schedule_id: int,
                    data: dict[str, Any]) -> Schedule:
    row = schedules.get_schedule(db, actor.tenant_id, user_id, schedule_id)
    with change(db, actor, "schedule", row, user_id=user_id):
        return schedules.save_schedule(db, actor.tenant_id, user_id, row, data)


def delete_schedule(db: Session, actor: Actor, user_id: int, schedule_id: int) -> None:
    row = schedules.get_schedule(db, actor.tenant_id, user_id, schedule_id)
    with change(db, actor, "schedule", row, deleting=True, user_id=user_id):
        remove(db, row)
