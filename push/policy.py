"""What to do after a provider answered (pure): done, prune, refresh auth, retry or stop.

A push that arrives after the phone stopped ringing is worse than none, so a retry is only
scheduled when it can still happen before the notification's deadline.
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_ATTEMPTS = 5
FIRST_BACKOFF_S = 0.05
MAX_BACKOFF_S = 2.0
QUOTA_BACKOFF_S = 60.0  # FCM: first delay after QUOTA_EXCEEDED at least one minute

DEAD_TOKEN = frozenset({"BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered",
                        "UNREGISTERED"})
EXPIRED_AUTH = frozenset({"ExpiredProviderToken"})
TRANSIENT_REASONS = frozenset({"TooManyRequests", "InternalServerError", "ServiceUnavailable",
                               "Shutdown", "UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED",
                               "connect_error"})
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Result:
    """A provider's answer to one request (status None: no answer at all)."""

    status: int | None
    reason: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class Decision:
    action: str          # done, prune, refresh_auth, retry, stop
    outcome: str         # what the push log records for this attempt
    delay: float = 0.0


def decide(result: Result, *, attempt: int, remaining_s: float, auth_refreshed: bool
           ) -> Decision:
    if result.status == 200:
        return Decision("done", "delivered")
    if result.reason in DEAD_TOKEN:
        return Decision("prune", "pruned")
    if result.reason in EXPIRED_AUTH:
        if auth_refreshed or remaining_s <= 0:
            return Decision("stop", "failed")
        return Decision("refresh_auth", "expired_auth")
    if result.reason == "timeout":
        return Decision("stop", "gave_up")
    if result.status in TRANSIENT_STATUS or result.reason in TRANSIENT_REASONS:
        delay = backoff(attempt, result)
        if attempt >= MAX_ATTEMPTS or delay >= remaining_s:
            return Decision("stop", "gave_up")
        return Decision("retry", "retrying", delay)
    return Decision("stop", "failed")


def backoff(attempt: int, result: Result) -> float:
    delay = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** (attempt - 1))
    if result.reason == "QUOTA_EXCEEDED":
        delay = max(delay, QUOTA_BACKOFF_S)
    if result.retry_after is not None:
        delay = max(delay, result.retry_after)
    return delay
