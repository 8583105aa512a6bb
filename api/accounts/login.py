"""Login throttling that slows a password guesser without locking the owner out.

Counters (fixed windows shared by every worker, see core.ratelimit):

- every attempt from one address: LOGIN_IP_LIMIT per LOGIN_IP_WINDOW;
- failures for one number from one address: LOGIN_USER_LIMIT per LOGIN_USER_WINDOW; past it
  that address may not try that number again until the window ends;
- failures for one number from anywhere: LOGIN_USER_TOTAL_LIMIT per LOGIN_USER_WINDOW; past
  it only addresses without a recent failure (for any number) may try it, so a guesser
  spreading over many addresses gets one try from each while the owner, from their usual
  address, still logs in with the right password.

A failure or a refusal never touches the owner's sessions. Each is logged as a structured
event and, when the number is a user's, kept in the company's audit log.
"""
from __future__ import annotations

from i18n import N_

import logging

from sqlalchemy.orm import Session

from ..config import Settings
from ..core import ratelimit
from ..core.errors import TooManyRequests
from .models import AuditEvent, User

log = logging.getLogger("api.auth")
UNLIMITED = 2**31 - 1


def _keys(number: str, ip: str | None) -> dict[str, str]:
    return {"ip": f"login:ip:{ip}", "pair": f"login:fail:{ip}|{number}",
            "user": f"login:fail-user:{number}", "ip_failures": f"login:fail-ip:{ip}"}


def check(db: Session, settings: Settings, number: str, ip: str | None,
          user: User | None) -> None:
    """Count the attempt; raise 429 when this address may not try this number now."""
    keys = _keys(number, ip)
    refusal = None
    verdict = ratelimit.hit(db, keys["ip"], settings.login_ip_limit, settings.login_ip_window)
    if not verdict.allowed:
        refusal = ("address", verdict)
    else:
        verdict = ratelimit.peek(db, keys["pair"], settings.login_user_limit,
                                 settings.login_user_window)
        if not verdict.allowed:
            refusal = ("number_from_address", verdict)
    if refusal is None:
        verdict = ratelimit.peek(db, keys["user"], settings.login_user_total_limit,
                                 settings.login_user_window)
        if not verdict.allowed and ratelimit.peek(db, keys["ip_failures"], 1,
                                                  settings.login_user_window).count > 0:
            refusal = ("number_under_attack", verdict)
    if refusal is not None:
        limit, verdict = refusal
        _audit(db, "login_throttled", number, ip, user, limit=limit)
        db.commit()
        raise TooManyRequests(N_("Too many login attempts; try again later"), verdict.retry_after)


def failed(db: Session, settings: Settings, number: str, ip: str | None,
           user: User | None) -> None:
    keys = _keys(number, ip)
    window = settings.login_user_window
    ratelimit.hit(db, keys["pair"], UNLIMITED, window)
    ratelimit.hit(db, keys["user"], UNLIMITED, window)
    ratelimit.hit(db, keys["ip_failures"], UNLIMITED, window)
    _audit(db, "login_failed", number, ip, user)
    db.commit()


def succeeded(db: Session, number: str, ip: str | None) -> None:
    """The right password from this address: its own failures for the number are forgiven."""
    ratelimit.reset(db, _keys(number, ip)["pair"])


def _audit(db: Session, kind: str, number: str, ip: str | None, user: User | None,
           **detail) -> None:
    log.warning(kind, extra={"event": kind, "login": number, "ip": ip,
                             "user_id": user.id if user else None,
                             "tenant_id": user.tenant_id if user else None, **detail})
    if user is not None:
        db.add(AuditEvent(tenant_id=user.tenant_id, actor_user_id=None, kind=kind,
                          detail={"user_id": user.id, "ip": ip, **detail}))
