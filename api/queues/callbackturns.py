"""When an entry of a queue's callback list is called back automatically (pure): not while
an attempt is under way, at most MAX_ATTEMPTS times, and RETRY_AFTER after the last one."""
from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=5)
CLAIM_TIMEOUT = timedelta(minutes=30)   # an attempt nobody marked frees the entry after this


def due(*, attempts: int, last_attempt_at: datetime | None, in_progress: bool,
        at: datetime) -> bool:
    """Is it this entry's turn to be called back now?"""
    if attempts >= MAX_ATTEMPTS:
        return False
    if last_attempt_at is None:
        return True
    since = at - last_attempt_at
    if in_progress:
        return since >= CLAIM_TIMEOUT
    return since >= RETRY_AFTER
