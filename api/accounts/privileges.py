"""Who may hand out which power: the rules that keep roles from being an escalation path.

- Nobody grants a role holding permissions they do not hold themselves, nor creates or edits
  a custom role to hold such permissions.
- Nobody acts on a user (edit, delete, change role) or a role that holds more than they do:
  otherwise a user manager could move an administrator's mobile number to their own phone
  and reset the password.
- Nobody changes their own role.
- A company always keeps at least one administrator.

`actor` is the logged-in principal (`user_id`, `permissions`); None is the operator at the
command line, who may do anything.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.db import begin_write
from ..core.errors import Conflict, Forbidden
from . import permissions
from .models import Role, User


def _lacking(actor: Any, perms: Iterable[str]) -> list[str]:
    if actor is None:
        return []
    return sorted(set(perms or ()) - set(actor.permissions))


# What an actor may not do, with the permissions it would hand out that they lack.
CREATE_ROLE = N_("You cannot create this role: it holds permissions you do not have "
                 "({missing})")
GIVE_PERMISSIONS = N_("You cannot give a role these permissions: it holds permissions you "
                      "do not have ({missing})")
CHANGE_USER = N_("You cannot change this user: it holds permissions you do not have "
                 "({missing})")
CHANGE_ROLE = N_("You cannot change the role {role}: it holds permissions you do not have "
                 "({missing})")
GIVE_ROLE = N_("You cannot give the role {role}: it holds permissions you do not have "
               "({missing})")


def may_grant(actor: Any, perms: Iterable[str], message: str, **values: Any) -> None:
    """403 when `perms` hold permissions `actor` lacks; `message` names them as {missing}."""
    missing = _lacking(actor, perms)
    if missing:
        raise Forbidden(message, extra={"missing_permissions": missing},
                        values={**values, "missing": ", ".join(missing)})


def may_act_on_user(actor: Any, target: User) -> None:
    may_grant(actor, target.role.permissions, CHANGE_USER)


def may_act_on_role(actor: Any, role: Role) -> None:
    may_grant(actor, role.permissions, CHANGE_ROLE, role=repr(role.name))


def may_change_role(actor: Any, target: User, new_role: Role) -> None:
    if new_role.id == target.role_id:
        return
    if actor is not None and target.id == actor.user_id:
        raise Forbidden(N_("You cannot change your own role; ask another administrator"))
    may_grant(actor, new_role.permissions, GIVE_ROLE, role=repr(new_role.name))


def _is_admin(db: Session, role_id: int) -> bool:
    role = db.get(Role, role_id)
    return role is not None and role.builtin == permissions.ADMINISTRATOR


def keeps_an_administrator(db: Session, target: User, *, new_role_id: int | None = None,
                           deleting: bool = False) -> None:
    """409 when the change would leave the company without an administrator.

    The company's administrators are locked (FOR UPDATE) so that two administrators demoting
    each other at the same moment cannot both succeed.
    """
    if not _is_admin(db, target.role_id):
        return
    if not deleting and (new_role_id is None or _is_admin(db, new_role_id)):
        return
    begin_write(db)
    admin_role = select(Role.id).where(Role.tenant_id == target.tenant_id,
                                       Role.builtin == permissions.ADMINISTRATOR)
    others = db.scalars(select(User.id).where(User.tenant_id == target.tenant_id,
                                              User.role_id.in_(admin_role),
                                              User.id != target.id).with_for_update()).all()
    if not others:
        raise Conflict(N_("A company keeps at least one administrator: make another user "
                          "administrator first"), extra={"reason": "last_administrator"})
