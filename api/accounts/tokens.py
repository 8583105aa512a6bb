"""Access tokens (short-lived JWT) and refresh tokens (opaque, stored as a hash)."""
from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

ALGORITHM = "HS256"
ISSUER = "pbx-companion"


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    tenant_id: int
    session_id: int


def make_access_token(secret: str, claims: AccessClaims, at: datetime, ttl_s: int) -> str:
    payload = {
        "iss": ISSUER,
        "sub": str(claims.user_id),
        "tid": claims.tenant_id,
        "sid": claims.session_id,
        "iat": int(at.timestamp()),
        "exp": int((at + timedelta(seconds=ttl_s)).timestamp()),
        "typ": "access",
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


@functools.lru_cache(maxsize=4096)
def _verified(secret: str, token: str) -> tuple[AccessClaims, int] | None:
    """Signature check and claims of a token (deterministic, so cached per worker)."""
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                             options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                      "require": ["exp", "sub", "sid"]})
        if payload.get("typ") != "access":
            return None
        claims = AccessClaims(int(payload["sub"]), int(payload["tid"]), int(payload["sid"]))
        return claims, int(payload["exp"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None


def read_access_token(secret: str, token: str, at: datetime) -> AccessClaims | None:
    """Claims of a valid, unexpired access token; None for anything else.

    Expiry is checked against `at` on every call; whether the session is still open is the
    caller's business (one query per request).
    """
    if len(token) > 2048:
        return None
    verified = _verified(secret, token)
    if verified is None or verified[1] <= int(at.timestamp()):
        return None
    return verified[0]


def access_token_expiry(secret: str, token: str) -> int | None:
    """When a well-signed access token expires (Unix seconds); None for anything else."""
    verified = _verified(secret, token) if len(token) <= 2048 else None
    return None if verified is None else verified[1]


def new_refresh_token() -> str:
    return "rt_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
