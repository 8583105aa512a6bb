"""The one time seam: everything that needs "now" asks here, and tests move it."""
from __future__ import annotations

from datetime import datetime, timezone

_offset_override: datetime | None = None


def now() -> datetime:
    """Timezone-aware UTC now (or the instant a test froze)."""
    if _offset_override is not None:
        return _offset_override
    return datetime.now(timezone.utc)


def freeze(at: datetime | None) -> None:
    """Freeze the clock at `at` (aware datetime); `None` unfreezes. For tests and demos."""
    global _offset_override
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _offset_override = at


def as_utc(value: datetime | None) -> datetime | None:
    """Databases without time zones (SQLite) hand back naive UTC: make it aware."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
