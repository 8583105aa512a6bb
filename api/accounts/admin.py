"""Use cases for company administration: tenants, users and roles."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_

from ..core.db import get_scoped, has_text
from ..core.ports import Event, ports
from ..core.errors import Conflict, FieldInvalid, Forbidden, ValidationFailed, field_error
from ..core.phone import normalise_field
from . import customfields, passwords, permissions, privileges
from .models import Role, Tenant, User

PHONE_FIELDS = ("mobile", "office_number")


def create_tenant(db: Session, *, name: str, country: str = "NO", timezone: str = "Europe/Oslo",
                  language: str = "nb", password_policy: str = "standard",
                  sms_service_number: str | None = None) -> Tenant:
    tenant = Tenant(name=name, country=country.upper(), timezone=timezone, language=language,
                    password_policy=password_policy,
                    sms_service_number=normalise_field("sms_service_number", sms_service_number,
                                                       country))
    db.add(tenant)
    db.flush()
    for key, (label, perms) in permissions.BUILTIN_ROLES.items():
        db.add(Role(tenant_id=tenant.id, name=label, builtin=key, permissions=list(perms)))
    db.flush()
    return tenant


def builtin_role(db: Session, tenant_id: int, key: str) -> Role:
    return db.scalar(select(Role).where(Role.tenant_id == tenant_id, Role.builtin == key))


def update_tenant(db: Session, tenant: Tenant, data: dict[str, Any]) -> Tenant:
    if "sms_service_number" in data:
        data["sms_service_number"] = normalise_field(
            "sms_service_number", data["sms_service_number"], data.get("country", tenant.country))
    for key, value in data.items():
        setattr(tenant, key, value)
    _commit(db, "sms_service_number", N_("That SMS service number is taken"))
    return tenant


def _commit(db: Session, field: str, message: str, **values: Any) -> None:
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Conflict(message, extra={"field": field}, values=values)


# -- users -------------------------------------------------------------------------------
# Every number a user holds (mobile, office, short) is claimed in the number registry when
# the user is flushed (`api.numbers.sync`): a number owned elsewhere is a neutral 409.

def _normalise_user_fields(tenant: Tenant, data: dict[str, Any]) -> dict[str, Any]:
    for f in PHONE_FIELDS:
        if f in data:
            data[f] = normalise_field(f, data[f], tenant.country)
    if "mobile" in data and data["mobile"] is None:
        raise field_error("mobile", N_("is required"))
    if data.get("short_number") == "":
        data["short_number"] = None
    return data


def create_user(db: Session, tenant: Tenant, data: dict[str, Any], *,
                password: str | None = None, actor: Any = None) -> User:
    data = _normalise_user_fields(tenant, dict(data))
    if "custom_fields" in data:
        data["custom_fields"] = customfields.checked(db, tenant.id, {}, data["custom_fields"])
    role_id = data.pop("role_id", None)
    role = get_scoped(db, Role, role_id, tenant.id, "role") if role_id else \
        builtin_role(db, tenant.id, permissions.USER)
    privileges.may_grant(actor, role.permissions, privileges.GIVE_ROLE,
                         role=repr(role.name))
    user = User(tenant_id=tenant.id, role_id=role.id, **data)
    db.add(user)
    db.flush()
    if password is not None:
        refusals = passwords.check_policy(tenant.password_policy, password)
        if refusals:
            raise FieldInvalid("password", [r.message for r in refusals])
        from .services import set_password
        set_password(db, user, password)
    ports(db).events.publish(Event.USER_CREATED, db, user)
    return user


FROM_TEMPLATE = ("title", "department", "tags", "language", "hidden_from_directory", "role_id")


def copy_user(db: Session, tenant: Tenant, template: User, data: dict[str, Any], *,
              password: str | None = None, actor: Any = None) -> User:
    """A new user like `template`: its role and details where `data` gives none, then its
    profiles, queues and device switches (USER_COPIED); never its numbers or password."""
    data = {**{k: getattr(template, k) for k in FROM_TEMPLATE}, **data}
    user = create_user(db, tenant, data, password=password, actor=actor)
    ports(db).events.publish(Event.USER_COPIED, db, template, user)
    return user


def update_user(db: Session, tenant: Tenant, user: User, data: dict[str, Any], *,
                actor: Any = None) -> User:
    privileges.may_act_on_user(actor, user)
    data = _normalise_user_fields(tenant, dict(data))
    if "custom_fields" in data:
        data["custom_fields"] = customfields.checked(db, tenant.id, user.custom_fields,
                                                     data["custom_fields"])
    if "role_id" in data:
        role = get_scoped(db, Role, data["role_id"], tenant.id, "role")
        privileges.may_change_role(actor, user, role)
        privileges.keeps_an_administrator(db, user, new_role_id=role.id)
        data["role_id"] = role.id
    for key, value in data.items():
        setattr(user, key, value)
    db.flush()
    return user


def delete_user(db: Session, actor: Any, user: User) -> None:
    if actor is not None and user.id == actor.user_id:
        raise Conflict(N_("You cannot delete yourself"))
    privileges.may_act_on_user(actor, user)
    privileges.keeps_an_administrator(db, user, deleting=True)
    db.delete(user)


def search_users(db: Session, tenant_id: int, q: str | None):
    stmt = select(User).where(User.tenant_id == tenant_id)
    if q:
        words = q.strip().lower()  # % and _ are letters here, not wildcards
        digits = "".join(c for c in q if c.isdigit())
        conds = [has_text(func.lower(User.first_name + " " + User.last_name), words),
                 has_text(func.lower(func.coalesce(User.title, "")), words),
                 has_text(func.lower(func.coalesce(User.department, "")), words),
                 has_text(func.lower(func.coalesce(User.email, "")), words)]
        if digits:
            conds += [User.mobile.like(f"%{digits}%"), User.office_number.like(f"%{digits}%"),
                      User.short_number.like(f"%{digits}%")]
        stmt = stmt.where(or_(*conds))
    return stmt.order_by(User.last_name, User.first_name, User.id)


# -- roles -------------------------------------------------------------------------------

def _check_permissions(perms: list[str]) -> None:
    bad = permissions.unknown(perms)
    if bad:
        raise field_error("permissions", N_("unknown permission(s): {permissions}"),
                          permissions=", ".join(bad))


def create_role(db: Session, tenant_id: int, name: str, perms: list[str], *,
                actor: Any = None) -> Role:
    _check_permissions(perms)
    privileges.may_grant(actor, perms, privileges.CREATE_ROLE)
    role = Role(tenant_id=tenant_id, name=name.strip(), permissions=sorted(set(perms)))
    db.add(role)
    _commit(db, "name", N_("A role named {name} exists"), name=repr(name))
    return role


def update_role(db: Session, role: Role, data: dict[str, Any], *, actor: Any = None) -> Role:
    if role.builtin:
        raise Forbidden(N_("Built-in roles cannot be edited"))
    privileges.may_act_on_role(actor, role)
    if "permissions" in data:
        _check_permissions(data["permissions"])
        privileges.may_grant(actor, data["permissions"], privileges.GIVE_PERMISSIONS)
        data["permissions"] = sorted(set(data["permissions"]))
    for key, value in data.items():
        setattr(role, key, value)
    _commit(db, "name", N_("A role with that name exists"))
    return role


def delete_role(db: Session, role: Role, *, actor: Any = None) -> int:
    """Delete a custom role; its users move to the built-in "user" role. Returns how many."""
    if role.builtin:
        raise Forbidden(N_("Built-in roles cannot be deleted"))
    privileges.may_act_on_role(actor, role)
    fallback = builtin_role(db, role.tenant_id, permissions.USER)
    moved = 0
    for user in db.scalars(select(User).where(User.role_id == role.id,
                                              User.tenant_id == role.tenant_id)):
        user.role_id = fallback.id
        moved += 1
    db.flush()
    db.delete(role)
    db.commit()
    return moved
