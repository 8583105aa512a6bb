"""Spoken referral texts in the caller's language (the company's); pure.

The sentences and status words are in the message catalogs (`i18n`); the end time is
said the way the language writes it, in the company's time zone ("til 13:00",
"till 13.00", "until 1:00 PM"), with the day when it is not today.
"""
from __future__ import annotations

from datetime import datetime

from i18n import N_, caller_language, day_and_clock, tr

STATUS = {"available": N_("available"), "busy": N_("busy"), "meeting": N_("in a meeting"),
          "lunch": N_("at lunch"), "away": N_("away"), "out_of_office": N_("out of office"),
          "gone_for_day": N_("gone for the day"), "dnd": N_("not available")}


def language_of(tag: str | None) -> str:
    """The announcement language for a company (or queue greeting) language tag."""
    return caller_language(tag)


def status_text(key: str | None, lang: str) -> str | None:
    """"in a meeting" in `lang` for a standard profile's key; None for one of the user's own."""
    words = STATUS.get(key or "")
    return tr(lang, words) if words else None


def referral(key: str | None, name: str, until: datetime | None, at: datetime, timezone: str,
             language: str) -> str:
    """"The person you are calling is in a meeting until 13:00." in `language`."""
    lang = language_of(language)
    status = status_text(key, lang)
    day, time = day_and_clock(until, at, timezone, lang) if until else (None, None)
    if status is None:
        if time is None:
            return tr(lang, "The person you are calling has the status {status}.", status=name)
        if day is None:
            return tr(lang, "The person you are calling has the status {status} until {time}.",
                      status=name, time=time)
        return tr(lang, "The person you are calling has the status {status} until {day} at "
                        "{time}.", status=name, day=day, time=time)
    if time is None:
        return tr(lang, "The person you are calling is {status}.", status=status)
    if day is None:
        return tr(lang, "The person you are calling is {status} until {time}.",
                  status=status, time=time)
    return tr(lang, "The person you are calling is {status} until {day} at {time}.",
              status=status, day=day, time=time)


def activated(key: str | None, name: str, until: datetime | None, at: datetime, timezone: str,
              language: str) -> str:
    """The feature code's confirmation: "Lunch is now active until 13:00." in `language`."""
    from .standard import shown_name

    lang = language_of(language)
    profile = shown_name(key, name, lang)
    day, time = day_and_clock(until, at, timezone, lang) if until else (None, None)
    if time is None:
        return tr(lang, "{profile} is now active.", profile=profile)
    if day is None:
        return tr(lang, "{profile} is now active until {time}.", profile=profile, time=time)
    return tr(lang, "{profile} is now active until {day} at {time}.", profile=profile, day=day,
              time=time)
