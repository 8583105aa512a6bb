"""Authentication and permission checks for views; the current user and tenant."""
from __future__ import annotations

from i18n import N_

import functools
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

from flask import current_app, g, request
from sqlalchemy import select

from .clock import now
from .db import Prepared, run_reads
from .request_db import db_reads, db_session
from .errors import Forbidden, Unauthorized


@dataclass
class Principal:
    """Who is calling the API. Checked with one light query; the ORM rows load on first use."""

    user_id: int
    tenant_id: int
    session_id: int
    permissions: frozenset
    password_policy: str
    password_changed_at: object
    profile: object = None
    tenant_country: str | None = None  # the company's country (numbers without a prefix)  # the user's own columns and role, read-only (see `user` for ORM)

    @property
    def user(self):
        from ..accounts.models import User
        return db_session().get(User, self.user_id)

    @property
    def tenant(self):
        from ..accounts.models import Tenant
        return db_session().get(Tenant, self.tenant_id)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def _auth_statement():
    """The one query of every authenticated request: columns only."""
    from sqlalchemy import bindparam

    from ..accounts.models import AuthSession, Role, Tenant, User
    return (select(Role.permissions, Tenant.password_policy, Tenant.country.label("tenant_country"),
                   User.password_changed_at,
                   AuthSession.revoked_at, AuthSession.expires_at,
                   Role.name.label("role_name"), Role.builtin.label("role_builtin"),
                   *[c for c in User.__table__.c
                     if c.name not in ("password_hash", "password_changed_at")])
            .select_from(User)
            .join(Tenant, Tenant.id == User.tenant_id)
            .join(Role, Role.id == User.role_id)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(User.id == bindparam("uid"), AuthSession.id == bindparam("sid"),
                   User.tenant_id == bindparam("tid")))


# on every request: prepared once per dialect, run on the driver's cursor
_AUTH = Prepared(_auth_statement, one_row=True)


def _auth_row(params: dict, along) -> dict | None:
    """The login check's row; `along`, a read (or a tuple of reads) sent with it (one round
    trip on PostgreSQL), leaves its result (or their results, a list) for the view
    (`read_along`)."""
    if along is None:
        rows = _AUTH.all(db_reads(), **params)
    elif isinstance(along, tuple):
        rows, *g.read_along = run_reads(db_reads(), (_AUTH.bound(**params), *along))
    else:
        rows, g.read_along = run_reads(db_reads(), (_AUTH.bound(**params), along))
    return rows[0]._asdict() if rows else None


def read_along(default=None):
    """The result of the read the view's login check sent along, else `default`."""
    return g.get("read_along", default)


def _authenticate(along: Callable | None, read_access_token: Callable) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(N_("Missing bearer token: log in at /api/v1/auth/login"))
    at = now()
    claims = read_access_token(current_app.config["SETTINGS"].secret_key, token.strip(), at)
    if claims is None:
        raise Unauthorized(N_("The access token is invalid or expired: refresh it or log in "
                           "again"))
    row = _auth_row({"uid": claims.user_id, "sid": claims.session_id, "tid": claims.tenant_id},
                    along and along(claims.tenant_id, claims.user_id))
    if row is None:
        raise Unauthorized(N_("This session no longer exists: log in again"))
    permissions, policy, changed_at = row["permissions"], row["password_policy"], \
        row["password_changed_at"]
    if row["revoked_at"] is not None or row["expires_at"] <= at:
        raise Unauthorized(N_("This session has been logged out: log in again"))
    g.tenant_id = claims.tenant_id
    return Principal(user_id=claims.user_id, tenant_id=claims.tenant_id,
                     session_id=claims.session_id, permissions=frozenset(permissions or ()),
                     password_policy=policy, password_changed_at=changed_at,
                     profile=_profile(row), tenant_country=row["tenant_country"])


def _profile(row: dict) -> SimpleNamespace:
    """The user's columns as attributes, with `role` like the ORM relationship has it."""
    data = dict(row)
    del data["tenant_country"]
    role = SimpleNamespace(id=data["role_id"], name=data.pop("role_name"),
                           builtin=data.pop("role_builtin"), permissions=data["permissions"])
    return SimpleNamespace(**data, role=role)


def current() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise Unauthorized()
    return principal


def login_required(permission: str | None = None, *, allow_expired_password: bool = False,
                   along: Callable | None = None) -> Callable:
    """View decorator: a valid access token, optionally a permission.

    A user whose password expired under the strict policy may only change it (and see "me").
    `along(tenant_id, user_id)` may give the view's first read, or a tuple of its first
    reads (or None), sent with the login check for the token's user (`read_along`); their
    result counts only once the check passed.
    """
    def decorate(fn: Callable) -> Callable:
        # once per view, not per request (an import statement costs about a microsecond)
        from ..accounts.passwords import is_expired
        from ..accounts.tokens import read_access_token

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            principal = _authenticate(along, read_access_token)
            g.principal = principal
            if not allow_expired_password and is_expired(
                    principal.password_policy, principal.password_changed_at, now()):
                raise Forbidden(N_("Your password has expired: change it with PUT "
                                   "/api/v1/me/password"),
                                extra={"reason": "password_expired"})
            if permission and not principal.can(permission):
                raise Forbidden(N_("Your role does not have the permission '{permission}'"),
                                extra={"permission": permission},
                                values={"permission": permission})
            return fn(*args, **kwargs)
        return wrapper
    return decorate
