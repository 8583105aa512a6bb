"""What an alert says, in the language of the phone's user (pure).

The words are in the message catalogs: the user's language, else the phone's locale, else
the company's. APNs alerts name a `loc-key` with the parts as separate `loc-args`, so the
app can word them itself; the localised text is the `body` it falls back to. FCM data
carries the same keys (`loc_args` as JSON text) and the text.
"""
from __future__ import annotations

from i18n import N_, tr, user_language
from i18n.shared import returned_reason

from .events import CALL_ENDED, INCOMING_CALL, MISSED_CALL, TRANSFER_RETURNED, VOICEMAIL

TITLES = {INCOMING_CALL: ("CALL_INCOMING", N_("Incoming call")),
          CALL_ENDED: ("CALL_ENDED", N_("Call ended")),
          MISSED_CALL: ("CALL_MISSED", N_("Missed call")),
          TRANSFER_RETURNED: ("TRANSFER_RETURNED", N_("Transfer came back")),
          VOICEMAIL: ("VOICEMAIL", N_("New voicemail")),
          "test": ("PUSH_TEST", N_("Push works"))}
SHOWN = (INCOMING_CALL, MISSED_CALL, TRANSFER_RETURNED, VOICEMAIL, "test")  # Android shows these itself


def language(device) -> str:
    return user_language(getattr(device, "language", None), device.locale,
                         getattr(device, "company_language", None))


def alert(kind: str, data: dict, lang: str) -> dict:
    """{title, body, title_loc_key, loc_key, loc_args} for an alert of `kind`."""
    key, title = TITLES[kind]
    caller = data.get("caller") or {}
    number = caller.get("number") or ""
    if kind == TRANSFER_RETURNED:
        target = data.get("target") or _who(caller, lang)
        why = data.get("why") or (returned_reason(target, data["why_reason"], lang)
                                  if data.get("why_reason") else None)
        if why:
            body_key, args = "TRANSFER_RETURNED_BODY_WHY", [target, why, number]
            body = tr(lang, "The call to {target} came back: {why}", target=target, why=why)
        else:
            body_key, args = "TRANSFER_RETURNED_BODY", [target, number]
            body = tr(lang, "The call to {target} came back", target=target)
    elif kind == VOICEMAIL:
        who, seconds = _who(caller, lang), int(round(data.get("duration") or 0))
        body_key, args = "VOICEMAIL_BODY", [who, str(seconds), number]
        body = tr(lang, "{who} left a message ({seconds} s)", who=who, seconds=seconds)
    elif kind == "test":
        body_key, args = "PUSH_TEST_BODY", []
        body = tr(lang, "Notifications reach this phone")
    else:
        body_key, body = key + "_BODY", _who(caller, lang)
        args = [caller.get("name") or "", number, caller.get("company") or ""]
    return {"title": tr(lang, title), "body": body, "title_loc_key": key + "_TITLE",
            "loc_key": body_key, "loc_args": args}


def _who(caller: dict, lang: str) -> str:
    name = caller.get("name")
    number = caller.get("number") or tr(lang, "Unknown number")
    if name and caller.get("company"):
        return tr(lang, "{name} ({company})", name=name, company=caller["company"])
    return name or number
