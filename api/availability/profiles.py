"""Use cases for a user's profiles: list, add, edit, delete (never Available)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant, User
from ..core.ports import ports
from ..core.errors import Conflict, field_error
from ..core.phone import normalise_field
from .inputs import TARGETED
from .models import Profile, Schedule, State
from .numbers import NOT_DISPLAYABLE, allowed_display_numbers, main_number_set
from .services import ensure_standard, own, touch, user_profiles
from .standard import stored_name

NO_QUEUE = N_("no queue with id {id}")


def list_profiles(db: Session, tenant_id: int, user_id: int) -> list[Profile]:
    ensure_standard(db, tenant_id, user_id)
    db.commit()
    return user_profiles(db, tenant_id, user_id)


def get_profile(db: Session, tenant_id: int, user_id: int, profile_id: int) -> Profile:
    return own(db, Profile, profile_id, tenant_id, user_id, "profile")


class _Checker:
    """Validates the parts of a profile that need the database (numbers, colleagues)."""

    def __init__(self, db: Session, tenant: Tenant, user_id: int):
        self.db, self.tenant, self.user_id = db, tenant, user_id
        self._mains: set[str] | None = None

    def mains(self) -> set[str]:
        if self._mains is None:
            self._mains = main_number_set(self.db, self.tenant.id)
        return self._mains

    def destination(self, field: str, dest: dict | None) -> dict | None:
        if dest is None:
            return None
        kind, target = dest["kind"], dest.get("target")
        if kind not in TARGETED:
            return {"kind": kind, "target": None}
        if target in (None, ""):
            raise field_error(field, N_("a {kind} destination needs a target"), kind=kind)
        target = str(target)
        if kind in ("colleague", "queue"):
            if not target.isdigit() or not 0 < int(target) < 2**31:
                raise field_error(field, N_("target must be the {kind}'s id"), kind=kind)
            if kind == "colleague" and self.db.scalar(select(User.id).where(
                    User.id == int(target), User.tenant_id == self.tenant.id)) is None:
                raise field_error(field, N_("no colleague with id {id}"), id=target)
            if kind == "queue" and not self.queue_exists(int(target)):
                raise field_error(field, NO_QUEUE, id=target)
        elif kind in ("main_number", "external"):
            target = normalise_field(field, target, self.tenant.country)
            if kind == "main_number" and target not in self.mains():
                raise field_error(field, N_("{number} is not one of the company's main numbers"),
                                  number=target)
        return {"kind": kind, "target": target}

    def queue_exists(self, queue_id: int) -> bool:
        """Asked of the queues feature."""
        return ports(self.db).queue_target(self.db, self.tenant.id, queue_id) is not None

    def numbers(self, field: str, raw: list[str]) -> list[str]:
        return sorted({normalise_field(field, n, self.tenant.country) for n in raw if n})

    def check(self, data: dict[str, Any]) -> dict[str, Any]:
        for f in ("when_free", "when_busy", "no_answer"):
            if f in data:
                data[f] = self.destination(f, data[f])
        if (data.get("no_answer") or {}).get("kind") == "ring":
            raise field_error("no_answer",
                              N_("cannot be 'ring': choose where unanswered calls go"))
        if "exceptions" in data:
            out = []
            for n, exc in enumerate(data["exceptions"]):
                exc = dict(exc)
                exc["numbers"] = self.numbers(f"exceptions.{n}.numbers", exc.get("numbers", []))
                by_number = exc["match"] in ("number", "list")
                if by_number and not exc["numbers"]:
                    raise field_error(f"exceptions.{n}.numbers", N_("give at least one number"))
                if exc["match"] == "anyone" and exc["numbers"]:
                    raise field_error(f"exceptions.{n}.numbers",
                                      N_("numbers are for match 'number' or 'list', not 'anyone'"))
                if exc.get("dialled") is not None:
                    exc["dialled"] = sorted(set(exc["dialled"]))
                elif exc["match"] == "anyone":
                    raise field_error(f"exceptions.{n}.dialled",
                                      N_("an exception for anyone needs the numbers it is "
                                         "for, such as [\"mobile\"]"))
                exc["destination"] = self.destination(f"exceptions.{n}.destination",
                                                      exc.get("destination")
                                                      or {"kind": "ring"})
                out.append(exc)
            data["exceptions"] = out
        if "display_numbers" in data:
            allowed = {n["number"] for n in allowed_display_numbers(self.db, self.tenant,
                                                                    self.user_id)}
            shown = {}
            for kind, raw in (data["display_numbers"] or {}).items():
                number = normalise_field(f"display_numbers.{kind}", raw, self.tenant.country)
                if number not in allowed:
                    raise field_error(f"display_numbers.{kind}",
                                      NOT_DISPLAYABLE, number=number)
                shown[kind] = number
            data["display_numbers"] = shown
        if data.get("queue_logout") is None and "queue_logout" in data:
            data["queue_logout"] = []
        if isinstance(data.get("queue_logout"), list):
            for queue_id in data["queue_logout"]:
                if not self.queue_exists(queue_id):
                    raise field_error("queue_logout", NO_QUEUE, id=queue_id)
        return data


def _check_code(db: Session, tenant_id: int, user_id: int, code: str | None,
                profile_id: int | None) -> None:
    if not code:
        return
    from ..numbers.lookup import short_owner

    if short_owner(db, tenant_id, code) is not None:  # phones would dial the number instead
        raise Conflict(N_("Activation code {code} is one of the company's short numbers"),
                       extra={"field": "activation_code"}, values={"code": code})
    other = db.scalar(select(Profile.id).where(Profile.user_id == user_id,
                                               Profile.activation_code == code))
    if other is not None and other != profile_id:
        raise Conflict(N_("Activation code {code} is used by another of your profiles"),
                       extra={"field": "activation_code"}, values={"code": code})


def create_profile(db: Session, tenant: Tenant, user_id: int, data: dict[str, Any]) -> Profile:
    ensure_standard(db, tenant.id, user_id)
    data = _Checker(db, tenant, user_id).check(dict(data))
    _check_code(db, tenant.id, user_id, data.get("activation_code"), None)
    count = db.scalar(select(func.count()).select_from(Profile)
                      .where(Profile.user_id == user_id))
    if count >= 50:
        raise Conflict(N_("A user can have at most {n} profiles"), values={"n": 50})
    data.setdefault("when_free", {"kind": "ring", "target": None})
    data.setdefault("when_busy", {"kind": "voicemail", "target": None})
    data.setdefault("no_answer", {"kind": "voicemail", "target": None})
    profile = Profile(tenant_id=tenant.id, user_id=user_id, key=None, is_default=False,
                      position=100 + count, **data)
    db.add(profile)
    touch(db, user_id)
    db.commit()
    return profile


def update_profile(db: Session, tenant: Tenant, profile: Profile,
                   data: dict[str, Any]) -> Profile:
    data = _Checker(db, tenant, profile.user_id).check(dict(data))
    _check_code(db, tenant.id, profile.user_id, data.get("activation_code"), profile.id)
    if "name" in data:
        data["name"] = stored_name(profile.key, data["name"])
    for key, value in data.items():
        setattr(profile, key, value)
    touch(db, profile.user_id)
    db.commit()
    return profile


def delete_profile(db: Session, profile: Profile) -> None:
    if profile.is_default:
        raise Conflict(N_("Available is the fallback profile and cannot be deleted"))
    state = db.get(State, profile.user_id)
    if state is not None and state.profile_id == profile.id:
        state.profile_id, state.until = None, None
    for s in db.scalars(select(Schedule).where(Schedule.profile_id == profile.id)):
        db.delete(s)
    db.delete(profile)
    touch(db, profile.user_id)
    db.commit()
