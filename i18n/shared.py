"""Texts worded both by the API and by the push sender (pure), so each has them without
importing the other: why a transferred call came back, from what the target's leg did."""
from __future__ import annotations

from . import N_, tr

RETURN_REASONS = {"no_answer": N_("{who} did not answer"), "busy": N_("{who} is busy"),
                  "declined": N_("{who} declined the call"),
                  "unavailable": N_("{who} is not available"),
                  "not_found": N_("{who} could not be reached")}
RETURN_OTHERWISE = N_("{who} could not take the call")


def returned_reason(who: str, code: str | None, lang: str) -> str:
    """"Anna did not answer" in `lang`, from the code of what the target's leg did
    (no_answer, busy, declined, unavailable, not_found; anything else is said generally)."""
    return tr(lang, RETURN_REASONS.get(code or "", RETURN_OTHERWISE), who=who)
