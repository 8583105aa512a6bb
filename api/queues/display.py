"""What a member's phone shows for a queue call (pure): the caller's number, the queue's or
a main number, with the queue's prefix and suffix around the name so the member knows which
queue rings before answering."""
from __future__ import annotations

import re
from dataclasses import dataclass

CALLER, QUEUE, MAIN = "caller", "queue", "main"
MAX_DISPLAY = 40
# a SIP display name is a quoted string: no quotes, backslashes, angle brackets or controls
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\<>]')


@dataclass(frozen=True)
class Shown:
    user: str | None      # the From user part: a number the member can call back
    display: str | None   # the From display name


def shown(mode: str, *, caller: str | None, caller_name: str | None, queue_name: str,
          queue_number: str | None, main_number: str | None, prefix: str | None = None,
          suffix: str | None = None) -> Shown:
    """The From of the INVITE to a member. A queue or main number the queue lacks falls back
    to the caller's. The display is the caller's name (or number) with the caller's number,
    the queue's name with the queue's or main number, each between prefix and suffix."""
    number = {QUEUE: queue_number, MAIN: main_number}.get(mode) or caller
    if mode == CALLER or number == caller:
        label = caller_name or caller or ""
    else:
        label = queue_name
    text = _UNSAFE.sub("", f"{prefix or ''}{label}{suffix or ''}").strip()[:MAX_DISPLAY]
    return Shown(number, text or None)
