"""The standard profiles every user starts with (data; users edit them afterwards)."""
from __future__ import annotations

from i18n import LANGUAGES, N_, tr

ALL_DEVICES = ["softphone", "deskphone", "mobile"]
RING = {"kind": "ring", "target": None}
VOICEMAIL = {"kind": "voicemail", "target": None}
BUSY_TONE = {"kind": "busy_tone", "target": None}

# key: name, colour, icon, priority, code, announce, devices, when_free, when_busy, no_answer
STANDARD = [
    ("available", N_("Available"), "#2e7d32", "check", 100, "*80", False, ALL_DEVICES, RING,
     VOICEMAIL, VOICEMAIL),
    ("busy", N_("Busy"), "#c62828", "minus", 50, "*81", False, ALL_DEVICES, RING, VOICEMAIL,
     VOICEMAIL),
    ("meeting", N_("In a meeting"), "#ef6c00", "people", 40, "*82", True, ALL_DEVICES, VOICEMAIL,
     VOICEMAIL, VOICEMAIL),
    ("lunch", N_("Lunch"), "#f9a825", "cup", 60, "*83", True, ["mobile"], RING, VOICEMAIL,
     VOICEMAIL),
    ("away", N_("Away"), "#6d4c41", "walk", 70, "*84", True, ALL_DEVICES, VOICEMAIL, VOICEMAIL,
     VOICEMAIL),
    ("out_of_office", N_("Out of office"), "#5e35b1", "plane", 20, "*85", True, [], VOICEMAIL,
     VOICEMAIL, VOICEMAIL),
    ("gone_for_day", N_("Gone for the day"), "#455a64", "moon", 30, "*86", True, [], VOICEMAIL,
     VOICEMAIL, VOICEMAIL),
    ("dnd", N_("Do not disturb"), "#b71c1c", "block", 10, "*87", False, [], BUSY_TONE, BUSY_TONE,
     BUSY_TONE),
]


def standard_profiles() -> list[dict]:
    """Column values of the standard profiles, in display order."""
    out = []
    for pos, (key, name, colour, icon, prio, code, announce, devices, free, busy, no_answer) \
            in enumerate(STANDARD):
        out.append({"key": key, "name": name, "colour": colour, "icon": icon, "priority": prio,
                    "activation_code": code, "announce": announce, "devices": list(devices),
                    "ring_order": "simultaneous", "mobile_delay": 0, "ring_each": 15,
                    "when_free": dict(free),
                    "when_busy": dict(busy), "no_answer": dict(no_answer),
                    "no_answer_after": 20 if key == "lunch" else 25, "exceptions": [],
                    "display_numbers": {}, "queue_logout": [], "position": pos,
                    "is_default": key == "available", "note": None})
    return out


NAMES = {row[0]: row[1] for row in STANDARD}


def shown_name(key: str | None, name: str, lang: str) -> str:
    """A standard profile's name in `lang` until its user renames it; any other as it is."""
    if NAMES.get(key or "") == name:
        return tr(lang, name)
    return name


def stored_name(key: str | None, name: str) -> str:
    """The name to keep: a standard profile's own name in any language is not a rename
    (the app sends back what it shows), so it goes on following the user's language."""
    english = NAMES.get(key or "")
    if english is not None and name in {tr(lang, english) for lang in LANGUAGES}:
        return english
    return name
