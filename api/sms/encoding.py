"""How a phone counts an SMS: GSM-7 or UCS-2, characters and parts (pure: no I/O).

GSM-7 (3GPP TS 23.038) holds 160 characters in one SMS and 153 in each part of a
concatenated one (the rest carries the concatenation header); characters of its extension
table (`€ [ ] { } ^ ~ \\ |` and form feed) take two places, and a part never ends between
the two. Any character outside both tables makes the whole message UCS-2: 70 UTF-16 units
in one SMS, 67 per part, and a character outside the Basic Multilingual Plane (most emoji)
takes two units that a part never splits.
"""
from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("\f^{}\\[]~|€")

GSM7, UCS2 = "GSM-7", "UCS-2"
SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class Count:
    encoding: str          # GSM-7 or UCS-2
    units: int             # septets (GSM-7) or UTF-16 units (UCS-2) the text takes
    parts: int             # SMS the text is sent as (0 for an empty text)
    per_part: int          # units one part holds: 160/70 alone, 153/67 when concatenated
    left: int              # units still free in the last part before another part starts
    unicode_characters: tuple[str, ...]  # the characters that make the text UCS-2


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def encoding_of(text: str) -> str:
    return GSM7 if is_gsm7(text) else UCS2


def _width(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def units(text: str, encoding: str | None = None) -> int:
    enc = encoding or encoding_of(text)
    return sum(_width(c, enc) for c in text)


def split(text: str) -> list[str]:
    """The parts a phone sends: one when the text fits a single SMS, else parts that each
    hold at most 153 (67) units, never cutting a two-unit character in half."""
    enc = encoding_of(text)
    if units(text, enc) <= SINGLE[enc]:
        return [text] if text else []
    parts, current, used = [], [], 0
    for char in text:
        width = _width(char, enc)
        if used + width > PART[enc]:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += width
    parts.append("".join(current))
    return parts


def count(text: str) -> Count:
    enc = encoding_of(text)
    total = units(text, enc)
    odd = tuple(dict.fromkeys(c for c in text if c not in GSM7_BASIC
                              and c not in GSM7_EXTENSION))
    if total <= SINGLE[enc]:
        return Count(enc, total, 1 if text else 0, SINGLE[enc], SINGLE[enc] - total, odd)
    parts = split(text)
    return Count(enc, total, len(parts), PART[enc], PART[enc] - units(parts[-1], enc), odd)
