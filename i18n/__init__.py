"""Message catalogs (gettext `.po`, compiled in memory on first use) and locale formatting.

Texts are marked where they are written: `N_("...")` for a constant looked up later,
`tr(lang, "...")` and `tr_n(lang, "one ...", "{n} ...", n)` where they are used. The
catalogs live in `i18n/locales/<lang>/LC_MESSAGES/messages.po`; `make catalogs`
extracts the template (`messages.pot`) and merges it into them. They are read and compiled
on first use in each process, so a clone runs without a build step and a changed `.po` is
never shadowed by a stale `.mo`.
"""
from __future__ import annotations

from .catalogs import LANGUAGES, tr, tr_n
from .choice import (best_accepted, caller_language, from_accept_language, normalise,
                     user_language)
from .formats import clock, day_and_clock


def N_(message: str) -> str:
    """Marks a constant for extraction; it is translated where it is used."""
    return message


__all__ = ["LANGUAGES", "N_", "tr", "tr_n", "best_accepted", "caller_language",
           "from_accept_language", "normalise", "user_language", "clock", "day_and_clock"]
