"""What callers hear from voicemail when the user recorded nothing of their own, in the
company's language (pure): the situation, the status and its end time as the spoken
referral says them, then the invitation to speak."""
from __future__ import annotations

from datetime import datetime

from i18n import N_, tr

from ..availability.announce import language_of, referral

AFTER_THE_TONE = N_("Please leave a message after the tone.")
NO_ANSWER = N_("The person you are calling cannot answer right now.")
BUSY = N_("The person you are calling is in another call.")
QUEUE = N_("Nobody at {queue} can answer right now.")
QUEUE_FULL = N_("The mailbox of {queue} is full. Please call again later.")
FULL = N_("The mailbox of the person you are calling is full. Please call again later.")


def greeting_kind(reason: str) -> str:
    """Which of the user's greetings fits why the call came: busy, away (the profile sends
    callers to voicemail) or unavailable (nobody answered)."""
    return {"busy": "busy", "profile": "away"}.get(reason, "unavailable")


def default_greeting(reason: str, key: str | None, name: str, until: datetime | None,
                     at: datetime, timezone: str, language: str) -> str:
    lang = language_of(language)
    if reason == "profile":
        first = referral(key, name, until, at, timezone, lang)
    else:
        first = tr(lang, BUSY if reason == "busy" else NO_ANSWER)
    return f"{first} {tr(lang, AFTER_THE_TONE)}"


def mailbox_full(language: str) -> str:
    return tr(language_of(language), FULL)


def queue_greeting(queue: str, language: str) -> str:
    """A queue's mailbox, its overflow when the time to wait is over: the queue by name."""
    lang = language_of(language)
    return f"{tr(lang, QUEUE).format(queue=queue)} {tr(lang, AFTER_THE_TONE)}"


def queue_full(queue: str, language: str) -> str:
    return tr(language_of(language), QUEUE_FULL).format(queue=queue)
