"""Whose language a text is in (pure).

A text for a user (the app, push, SMS, e-mail) is in the user's chosen language, else the
language of the phone it goes to, else the company's. A text a caller hears is in the
company's language, or the queue's greeting language for that queue. Anything else, or
nothing, is English. Norwegian without a written standard (`no`) is Bokmål.
"""
from __future__ import annotations

from .catalogs import LANGUAGES

ALIASES = {"no": "nb", "nob": "nb", "nno": "nn", "swe": "sv", "dan": "da", "fin": "fi",
           "eng": "en"}


def normalise(tag: str | None) -> str | None:
    """A supported language for a tag such as `nb-NO`, `sv_FI` or `no`; None if none is."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    primary = ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def user_language(user: str | None, device: str | None = None,
                  company: str | None = None) -> str:
    for tag in (user, device, company):
        lang = normalise(tag)
        if lang:
            return lang
    return "en"


def caller_language(company: str | None, queue: str | None = None) -> str:
    return normalise(queue) or normalise(company) or "en"


def from_accept_language(header: str | None, default: str | None = None) -> str:
    """The best supported language of an `Accept-Language` header, else `default`'s,
    else English."""
    return best_accepted(header) or normalise(default) or "en"


def best_accepted(header: str | None) -> str | None:
    """The supported language an `Accept-Language` header ranks highest (q-values
    honoured); None when it names none."""
    ranked = []
    for pos, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        lang = normalise(tag)
        if lang and q > 0:
            ranked.append((-q, pos, lang))
    return min(ranked)[2] if ranked else None
