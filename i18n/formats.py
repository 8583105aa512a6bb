"""Times and dates as the locale writes (and a speech voice reads) them, in a time zone."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# Swedish writes the clock with a full stop ("kl. 13.00", Svenska skrivregler); the CLDR
# short pattern has a colon. Finnish and Danish CLDR patterns already use the full stop.
CLOCK = {"sv": "HH.mm"}


def _clean(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def clock(at: datetime, timezone: str, lang: str) -> str:
    """"13:00" (nb), "13.00" (sv, fi, da), "1:00 PM" (en) in the company's zone."""
    from babel.dates import format_time

    local = at.astimezone(ZoneInfo(timezone))
    return _clean(format_time(local, CLOCK.get(lang, "short"), locale=lang))


def day_and_clock(at: datetime, now: datetime, timezone: str, lang: str) -> tuple[str | None, str]:
    """(the day, the clock) of `at`; the day is None when `at` is on `now`'s day."""
    from babel.dates import format_skeleton

    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    day = None if local.date() == now.astimezone(zone).date() else \
        _clean(format_skeleton("MMMMd", local, locale=lang))
    return day, clock(at, timezone, lang)
