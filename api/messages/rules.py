"""Pure rules of the messages feature: opt-out keywords and the alphanumeric sender name."""
from __future__ import annotations

import re

from i18n import N_

STOP, START = "stop", "start"
# what recipients text to stop (or restart) a company's messages; the first word counts
STOP_WORDS = frozenset({"stop", "stopp", "stopall", "unsubscribe", "cancel", "end", "quit",
                        "avslutt", "avmeld"})
START_WORDS = frozenset({"start", "unstop", "subscribe"})

# 3GPP TS 23.040: an alphanumeric sender holds at most 11 GSM characters; operators accept
# letters, digits, space and a few signs, and at least one letter (else it reads as a number)
_SENDER_NAME = re.compile(r"[A-Za-z0-9 .&\-]{1,11}")


def opt_keyword(text: str) -> str | None:
    """STOP or START when the SMS is such a request (first word, any case, any punctuation
    after it), else None."""
    words = (text or "").strip().split(maxsplit=1)
    if not words:
        return None
    word = words[0].casefold().rstrip(".!")
    if word in STOP_WORDS:
        return STOP
    if word in START_WORDS:
        return START
    return None


def sender_name_problem(name: str) -> str | None:
    """Why `name` cannot be an alphanumeric sender, or None when it can."""
    if not _SENDER_NAME.fullmatch(name):
        return N_("1 to 11 characters: letters A-Z, digits, space, '.', '&' or '-'")
    if not any(c.isalpha() for c in name):
        return N_("needs at least one letter (digits alone read as a phone number)")
    if name != name.strip():
        return N_("must not begin or end with a space")
    return None
