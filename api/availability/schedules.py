"""Use cases for schedules: a profile in force at set local times, once or recurring."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.errors import Conflict, field_error
from .models import Profile, Schedule
from .services import own, touch

LONGEST = {"none": timedelta(days=366), "daily": timedelta(days=1),
           "weekly": timedelta(days=7), "monthly": timedelta(days=28),
           "yearly": timedelta(days=365)}


def list_schedules(db: Session, tenant_id: int, user_id: int) -> list[Schedule]:
    return list(db.scalars(select(Schedule).where(Schedule.tenant_id == tenant_id,
                                                  Schedule.user_id == user_id)
                           .order_by(Schedule.starts, Schedule.id)))


def get_schedule(db: Session, tenant_id: int, user_id: int, schedule_id: int) -> Schedule:
    return own(db, Schedule, schedule_id, tenant_id, user_id, "schedule")


def save_schedule(db: Session, tenant_id: int, user_id: int, row: Schedule | None,
                  data: dict[str, Any]) -> Schedule:
    if "profile_id" in data:
        owner = db.scalar(select(Profile.user_id).where(Profile.id == data["profile_id"],
                                                        Profile.tenant_id == tenant_id))
        if owner != user_id:
            raise field_error("profile_id", N_("no profile with id {id}"), id=data["profile_id"])
    if row is None:
        count = db.scalar(select(func.count()).select_from(Schedule)
                          .where(Schedule.user_id == user_id))
        if count >= 100:
            raise Conflict(N_("A user can have at most {n} schedule entries"), values={"n": 100})
        row = Schedule(tenant_id=tenant_id, user_id=user_id, recurrence="none", weekdays=[])
    merged = {k: data.get(k, getattr(row, k)) for k in
              ("starts", "ends", "recurrence", "weekdays", "repeat_until")}
    if merged["ends"] <= merged["starts"]:
        raise field_error("ends", N_("must be after starts"))
    if merged["ends"] - merged["starts"] > LONGEST[merged["recurrence"]]:
        raise field_error("ends", N_("a {recurrence} entry lasts at most {days} day(s)"),
                          recurrence=merged["recurrence"],
                          days=LONGEST[merged["recurrence"]].days)
    if merged["repeat_until"] is not None and merged["repeat_until"] < merged["starts"].date():
        raise field_error("repeat_until", N_("must not be before starts"))
    for key, value in data.items():
        setattr(row, key, sorted(set(value)) if key == "weekdays" else value)
    if row.id is None:
        db.add(row)
    touch(db, user_id)
    db.commit()
    return row
