"""Whose availability a request reads or changes: the signed-in user's own (`/me/...`) or,
for an administrator or team leader, a colleague's (`/users/{user_id}/...`).

The same views serve both (`routes_settings.py`); a `Side` says what differs: which
permission the colleague's route asks for, the check that the colleague is of the same
company (another company's user is a 404), and that a change made for someone else is
recorded in the audit log.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Callable, ContextManager

from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from ..accounts.models import Tenant, User
from ..audit.recorder import Actor, change, created, record
from ..core.auth import current, login_required
from ..core.db import Reads, get_scoped
from ..core.request_db import db_reads, db_session


@dataclass(frozen=True)
class Whose:
    """The user whose settings are read or changed, and who acts (audited when another)."""

    db: Session
    tenant_id: int
    user_id: int
    actor: Actor | None  # someone acting for the user: their changes are audited

    @property
    def tenant(self) -> Tenant:
        return self.db.get(Tenant, self.tenant_id)

    @property
    def acting_user_id(self) -> int:
        return self.actor.user_id if self.actor else self.user_id

    def changing(self, what: str, row: Any, deleting: bool = False) -> ContextManager:
        """Around a change to `row`: audited in its commit when someone acts for the user."""
        if self.actor is None:
            return nullcontext()
        return change(self.db, self.actor, what, row, deleting=deleting, user_id=self.user_id)

    def created(self, what: str, row: Any) -> None:
        if self.actor is not None:
            created(self.db, self.actor, what, row, user_id=self.user_id)

    def recorded(self, what: str, verb: str, after: dict) -> None:
        """Record a change that has no row of its own (goes with the next commit)."""
        if self.actor is not None:
            record(self.db, self.actor, what, verb, self.db.get(User, self.user_id), None,
                   after)


def mine() -> Whose:
    principal = current()
    return Whose(db_session(), principal.tenant_id, principal.user_id, None)


def colleague(user_id: int) -> Whose:
    """A user of the signed-in user's company (another company's user is a 404)."""
    db, principal = db_session(), current()
    get_scoped(db, User, user_id, principal.tenant_id, "user")
    return Whose(db, principal.tenant_id, user_id,
                 Actor(principal.tenant_id, principal.user_id))


@dataclass(frozen=True)
class Side:
    """Where one set of views is mounted: the user's own routes or a colleague's."""

    blp: Blueprint
    path: str  # prepended to each route: "" or "/<int:user_id>"
    own: bool

    def route(self, path: str) -> Callable:
        return self.blp.route(self.path + path)

    def needs(self, permission: str | None, *, along: Callable | None = None) -> Callable:
        """Signed in; on a colleague's route, with `permission` too. `along`: reads sent
        with the login check on one's own route (`login_required`)."""
        return login_required(along=along) if self.own else login_required(permission)

    def whose(self, ids: dict) -> Whose:
        return mine() if self.own else colleague(ids["user_id"])

    def reading(self, ids: dict) -> tuple[Session | Reads, int, int]:
        """(where to read, company, user) for a read-only view: on one's own route the
        request's bare reads (no Session unless a read needs the ORM)."""
        if self.own:
            principal = current()
            return db_reads(), principal.tenant_id, principal.user_id
        w = colleague(ids["user_id"])
        return w.db, w.tenant_id, w.user_id

    def says(self, mine_doc: str, theirs_doc: str) -> Callable:
        """The view's documentation (its docstring) as this side words it."""
        def set_doc(fn: Callable) -> Callable:
            fn.__doc__ = mine_doc if self.own else theirs_doc
            return fn
        return set_doc
