"""Feature codes dialled from a phone (pure): "*82" activates the profile whose activation
code is *82; "*82*90" does so for 90 minutes; a trailing "#" is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .inputs import Profile

MAX_MINUTES = 60 * 24 * 366
CODE_RE = re.compile(r"^[*#]?\d{1,6}$")


@dataclass(frozen=True, slots=True)
class Activate:
    """Command: activate `profile_id`, for `minutes` or until changed (None)."""

    profile_id: int
    minutes: int | None = None


def parse(dialled: str, profiles: Iterable[Profile]) -> Activate | None:
    """The command a dialled string means for this user, or None when it is not a code."""
    text = (dialled or "").strip().rstrip("#")
    if not text or len(text) > 20:
        return None
    by_code = {p.activation_code: p for p in profiles if p.activation_code}
    if text in by_code:
        return Activate(by_code[text].id)
    head, sep, tail = text.rpartition("*")
    if sep and head in by_code and tail.isdigit() and 0 < int(tail) <= MAX_MINUTES:
        return Activate(by_code[head].id, int(tail))
    return None
