"""Feature codes that record a queue's audio by phone (pure): "*97" followed by the queue's
short number (or its own number) records the welcome callers hear when they enter, "*98"
followed by it the message repeated while they wait; a trailing "#" is allowed."""
from __future__ import annotations

PREFIXES = {"*97": "greeting", "*98": "message"}
MAX_DIGITS = 15


def parse(dialled: str | None) -> tuple[str, str] | None:
    """(the kind of audio, the queue's number as dialled), or None when it is no such code."""
    text = (dialled or "").strip().rstrip("#")
    kind, digits = PREFIXES.get(text[:3]), text[3:]
    if kind is None or not digits.isdigit() or len(digits) > MAX_DIGITS:
        return None
    return kind, digits
