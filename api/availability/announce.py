"""Spoken referral texts in the tenant's language (Norwegian, Swedish or English); pure."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

STATUS = {
    "en": {"available": "available", "busy": "busy", "meeting": "in a meeting",
           "lunch": "at lunch", "away": "away", "out_of_office": "out of office",
           "gone_for_day": "gone for the day", "dnd": "not available"},
    "nb": {"available": "ledig", "busy": "opptatt", "meeting": "i møte", "lunch": "på lunsj",
           "away": "borte", "out_of_office": "ikke på kontoret",
           "gone_for_day": "gått for dagen", "dnd": "ikke tilgjengelig"},
    "sv": {"available": "ledig", "busy": "upptagen", "meeting": "på möte", "lunch": "på lunch",
           "away": "borta", "out_of_office": "inte på kontoret",
           "gone_for_day": "gått för dagen", "dnd": "inte tillgänglig"},
}
SENTENCE = {
    "en": ("The person you are calling is {status}{until}.",
           "The person you are calling has the status {status}{until}.", " until {t}"),
    "nb": ("Personen du ringer er {status}{until}.",
           "Personen du ringer har status {status}{until}.", " til {t}"),
    "sv": ("Personen du söker är {status}{until}.",
           "Personen du söker har status {status}{until}.", " till {t}"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def language_of(tag: str | None) -> str:
    """The announcement language for a tenant or user language tag."""
    tag = (tag or "").lower()
    if tag in ("nb", "nn", "no"):
        return "nb"
    return "sv" if tag == "sv" else "en"


def _when(until: datetime, at: datetime, tz: ZoneInfo, lang: str) -> str:
    end, now = until.astimezone(tz), at.astimezone(tz)
    clock = f"{end.hour:02d}:{end.minute:02d}"
    if end.date() == now.date():
        return clock
    if lang == "en":
        return f"{end.day} {MONTHS_EN[end.month - 1]} {clock}"
    return f"{end.day}.{end.month}. {clock}"


def referral(key: str | None, name: str, until: datetime | None, at: datetime, timezone: str,
             language: str) -> str:
    """"The person you are calling is in a meeting until 13:00." in `language`."""
    lang = language_of(language)
    known, custom, until_tpl = SENTENCE[lang]
    when = until_tpl.format(t=_when(until, at, ZoneInfo(timezone), lang)) if until else ""
    status = STATUS[lang].get(key or "")
    if status is None:
        return custom.format(status=name, until=when)
    return known.format(status=status, until=when)
