"""Authentication and permission checks for views; the current user and tenant."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from flask import current_app, g, request
from sqlalchemy import select

from .clock import now
from .db import db_session
from .errors import Forbidden, Unauthorized


@dataclass
class Principal:
    user: "object"
    tenant: "object"
    session_id: int

    @property
    def tenant_id(self) -> int:
        return self.tenant.id

    @property
    def user_id(self) -> int:
        return self.user.id

    def can(self, permission: str) -> bool:
        return permission in (self.user.role.permissions or [])


_AUTH_STMT = None


def _auth_statement():
    """The one query of every authenticated request, built once (bound parameters)."""
    global _AUTH_STMT
    if _AUTH_STMT is None:
        from sqlalchemy import bindparam

        from ..accounts.models import AuthSession, Tenant, User
        _AUTH_STMT = (select(User, Tenant, AuthSession)
                      .join(Tenant, Tenant.id == User.tenant_id)
                      .join(AuthSession, AuthSession.user_id == User.id)
                      .where(User.id == bindparam("uid"), AuthSession.id == bindparam("sid"),
                             User.tenant_id == bindparam("tid")))
    return _AUTH_STMT


def _authenticate() -> Principal:
    from ..accounts.tokens import read_access_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing bearer token: log in at /api/v1/auth/login")
    at = now()
    claims = read_access_token(current_app.config["SETTINGS"].secret_key, token.strip(), at)
    if claims is None:
        raise Unauthorized("The access token is invalid or expired: refresh it or log in again")
    session = db_session()
    row = session.execute(_auth_statement(), {"uid": claims.user_id, "sid": claims.session_id,
                                              "tid": claims.tenant_id}).first()
    if row is None:
        raise Unauthorized("This session no longer exists: log in again")
    user, tenant, auth_session = row
    if auth_session.revoked_at is not None or auth_session.expires_at <= at:
        raise Unauthorized("This session has been logged out: log in again")
    g.tenant_id = tenant.id
    return Principal(user=user, tenant=tenant, session_id=auth_session.id)


def current() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise Unauthorized()
    return principal


def login_required(permission: str | None = None, *, allow_expired_password: bool = False
                   ) -> Callable:
    """View decorator: a valid access token, optionally a permission.

    A user whose password expired under the strict policy may only change it (and see "me").
    """
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from ..accounts.passwords import is_expired

            principal = _authenticate()
            g.principal = principal
            if not allow_expired_password and is_expired(
                    principal.tenant.password_policy, principal.user.password_changed_at, now()):
                raise Forbidden("Your password has expired: change it with PUT /api/v1/me/password",
                                extra={"reason": "password_expired"})
            if permission and not principal.can(permission):
                raise Forbidden(f"Your role does not have the permission '{permission}'",
                                extra={"permission": permission})
            return fn(*args, **kwargs)
        return wrapper
    return decorate
