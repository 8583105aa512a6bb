"""Use cases for accounts: login, refresh, logout, passwords and sessions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from i18n import N_

from ..config import Settings
from ..core.ports import Event, ports
from ..core.clock import now
from ..core.errors import FieldInvalid, Forbidden, NotFound, Unauthorized, field_error
from ..core.phone import try_e164
from . import login as throttle
from . import passwords
from .models import AuthSession, PasswordHistory, RefreshToken, Tenant, User
from .tokens import AccessClaims, hash_token, make_access_token, new_refresh_token

BAD_LOGIN = N_("Wrong mobile number or password")


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: int
    user: User
    password_expired: bool = False


def _login_number(username: str) -> str | None:
    """The login is a mobile number in any common format; Norway is assumed without +."""
    return try_e164(username, "NO") or try_e164(username, "SE")


def issue_session(db: Session, settings: Settings, user: User, *, user_agent: str | None,
                  ip: str | None) -> TokenPair:
    at = now()
    auth = AuthSession(tenant_id=user.tenant_id, user_id=user.id, created_at=at, last_used_at=at,
                       expires_at=at + timedelta(seconds=settings.refresh_token_ttl),
                       user_agent=(user_agent or "")[:200] or None, ip=ip)
    db.add(auth)
    db.flush()
    return _tokens_for(db, settings, user, auth)


def _tokens_for(db: Session, settings: Settings, user: User, auth: AuthSession) -> TokenPair:
    at = now()
    refresh = new_refresh_token()
    db.add(RefreshToken(session_id=auth.id, token_hash=hash_token(refresh), created_at=at))
    access = make_access_token(settings.secret_key, AccessClaims(user.id, user.tenant_id, auth.id),
                               at, settings.access_token_ttl)
    tenant = db.get(Tenant, user.tenant_id)
    return TokenPair(access, refresh, settings.access_token_ttl, auth.id, user,
                     passwords.is_expired(tenant.password_policy, user.password_changed_at, at))


def login(db: Session, settings: Settings, username: str, password: str, *, ip: str | None,
          user_agent: str | None) -> TokenPair:
    """Check the password with the same work whether the number is a user's or not."""
    number = _login_number(username) or (username or "").strip()[:40]
    user = db.scalar(select(User).where(User.mobile == number))
    throttle.check(db, settings, number, ip, user)
    if user is None:
        passwords.verify_password(None, password)  # a dummy verify: unknown costs the same
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password)
    if not ok:
        throttle.failed(db, settings, number, ip, user)
        raise Unauthorized(BAD_LOGIN)
    throttle.succeeded(db, number, ip)
    pair = issue_session(db, settings, user, user_agent=user_agent, ip=ip)
    db.commit()
    return pair


def refresh(db: Session, settings: Settings, token: str) -> TokenPair:
    """Rotate a refresh token. A token used twice means it leaked: the whole session ends."""
    at = now()
    row = db.scalar(select(RefreshToken).where(RefreshToken.token_hash == hash_token(token or "")))
    if row is None:
        raise Unauthorized(N_("Unknown refresh token: log in again"))
    auth = db.get(AuthSession, row.session_id)
    if auth is None or auth.revoked_at is not None or auth.expires_at <= at:
        raise Unauthorized(N_("This session has been logged out: log in again"))
    if row.used_at is not None:
        revoke_sessions(db, auth.tenant_id, [auth.id], "refresh_token_reuse")
        db.commit()
        raise Unauthorized(N_("This refresh token was already used; the session has been "
                              "revoked for safety: log in again"))
    row.used_at = at
    auth.last_used_at = at
    auth.generation += 1
    auth.expires_at = at + timedelta(seconds=settings.refresh_token_ttl)
    user = db.get(User, auth.user_id)
    pair = _tokens_for(db, settings, user, auth)
    db.commit()
    return pair


def revoke_sessions(db: Session, tenant_id: int, session_ids: list[int], reason: str) -> None:
    if not session_ids:
        return
    db.execute(update(AuthSession)
               .where(AuthSession.id.in_(session_ids), AuthSession.tenant_id == tenant_id,
                      AuthSession.revoked_at.is_(None))
               .values(revoked_at=now(), revoked_reason=reason))
    ports(db).events.publish(Event.SESSIONS_REVOKED, db, tenant_id, list(session_ids))


def active_sessions(db: Session, user: User) -> list[AuthSession]:
    return list(db.scalars(select(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.tenant_id == user.tenant_id,
        AuthSession.revoked_at.is_(None), AuthSession.expires_at > now())
        .order_by(AuthSession.last_used_at.desc())))


def logout(db: Session, user: User, session_id: int) -> None:
    revoke_sessions(db, user.tenant_id, [session_id], "logout")
    db.commit()


def end_session(db: Session, user: User, session_id: int) -> None:
    auth = db.scalar(select(AuthSession).where(AuthSession.id == session_id,
                                               AuthSession.user_id == user.id,
                                               AuthSession.revoked_at.is_(None)))
    if auth is None:
        raise NotFound(N_("No active session with id {id}"), values={"id": session_id})
    revoke_sessions(db, user.tenant_id, [auth.id], "ended_by_user")
    db.commit()


def revoke_all_sessions(db: Session, user: User, keep: int | None, reason: str) -> None:
    ids = [s.id for s in active_sessions(db, user) if s.id != keep]
    revoke_sessions(db, user.tenant_id, ids, reason)


def policy_errors(db: Session, user: User, new_password: str) -> None:
    """Raise a 422 naming the rule when the tenant's policy refuses the password."""
    tenant = db.get(Tenant, user.tenant_id)
    refusals = passwords.check_policy(tenant.password_policy, new_password)
    if not refusals and tenant.password_policy == passwords.STRICT:
        recent = db.scalars(select(PasswordHistory.password_hash)
                            .where(PasswordHistory.user_id == user.id)
                            .order_by(PasswordHistory.id.desc())
                            .limit(passwords.STRICT_HISTORY)).all()
        if any(passwords.verify_password(h, new_password) for h in recent):
            refusals.append(passwords.Refusal(
                "not_recently_used",
                passwords.RECENTLY_USED))
    if refusals:
        raise FieldInvalid("new_password", [r.message for r in refusals],
                           {"n": passwords.STRICT_HISTORY}, rules=[r.rule for r in refusals])


def set_password(db: Session, user: User, new_password: str) -> None:
    """Set a password that already passed the policy, remembering it for the history rule."""
    policy_errors(db, user, new_password)
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now()
    db.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))


def change_password(db: Session, user: User, session_id: int, current_password: str,
                    new_password: str) -> None:
    if not passwords.verify_password(user.password_hash, current_password):
        raise Forbidden(N_("The current password is wrong"), extra={"field": "current_password"})
    if current_password == new_password:
        raise field_error("new_password", N_("must differ from the current password"))
    set_password(db, user, new_password)
    revoke_all_sessions(db, user, keep=session_id, reason="password_changed")
    db.commit()
