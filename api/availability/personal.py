"""A user's profiles, schedules and display number, changed by the user or by an
administrator for them: the same use cases, a change made for someone else recorded in the
audit log (who, what, before and after)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import profiles, schedules, selfservice
from .models import Profile, Schedule
from .services import remove

if TYPE_CHECKING:
    from .whose import Whose


def create_profile(w: Whose, data: dict[str, Any]) -> Profile:
    row = profiles.create_profile(w.db, w.tenant, w.user_id, data)
    w.created("profile", row)
    return row


def get_profile(w: Whose, profile_id: int) -> Profile:
    return profiles.get_profile(w.db, w.tenant_id, w.user_id, profile_id)


def update_profile(w: Whose, profile_id: int, data: dict[str, Any]) -> Profile:
    row = get_profile(w, profile_id)
    with w.changing("profile", row):
        return profiles.update_profile(w.db, w.tenant, row, data)


def delete_profile(w: Whose, profile_id: int) -> None:
    row = get_profile(w, profile_id)
    with w.changing("profile", row, deleting=True):
        profiles.delete_profile(w.db, row)


def create_schedule(w: Whose, data: dict[str, Any]) -> Schedule:
    row = schedules.save_schedule(w.db, w.tenant_id, w.user_id, None, data)
    w.created("schedule", row)
    return row


def get_schedule(w: Whose, schedule_id: int) -> Schedule:
    return schedules.get_schedule(w.db, w.tenant_id, w.user_id, schedule_id)


def update_schedule(w: Whose, schedule_id: int, data: dict[str, Any]) -> Schedule:
    row = get_schedule(w, schedule_id)
    with w.changing("schedule", row):
        return schedules.save_schedule(w.db, w.tenant_id, w.user_id, row, data)


def delete_schedule(w: Whose, schedule_id: int) -> None:
    row = get_schedule(w, schedule_id)
    with w.changing("schedule", row, deleting=True):
        remove(w.db, row)


def switch_display_number(w: Whose, data: dict[str, Any]) -> dict:
    w.recorded("display_number", "updated", dict(data))  # goes with the switch's commit
    return selfservice.switch_display_number(w.db, w.tenant, w.user_id, data["number"],
                                             data["devices"])
