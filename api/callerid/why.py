"""Why a call went where it went, as the call log tells it: "Forwarded to Anna by your Lunch
profile", "Went to voicemail (your In a meeting profile)". Pure functions.

The entry keeps codes and parts (its `outcome` and a bounded `reason`: the profile's name and
standard key, the rule, where it was forwarded); the sentence is worded when the entry is
read, in the reader's language, so a standard profile is named as the reader's app names it.
"""
from __future__ import annotations

from i18n import N_, tr

from ..availability.standard import shown_name

OUTCOMES = ("answered", "voicemail", "forwarded", "missed", "rejected", "busy", "failed")
_BY_TARGET = {"voicemail": "voicemail", "forward": "forwarded"}
_RULES = {"when_free": N_("when free"), "when_busy": N_("when busy")}
_EXCEPTION = N_("a caller exception")
_BY = N_("your {profile} profile")
_BY_RULE = N_("your {profile} profile, {rule}")
_RANG = {"answered": N_("Answered; rang as {by} says"),
         "missed": N_("Missed; rang as {by} says"),
         "rejected": N_("Rejected; rang as {by} says"),
         "busy": N_("Busy; rang as {by} says"),
         "failed": N_("Failed; rang as {by} says")}
_RANG_OTHERWISE = N_("{outcome}; rang as {by} says")
_TEXT_LIMIT = 80
# why the phone system ended a call (`end_reason`): kept as the code, worded when read
GATEWAY_RESTARTED, GATEWAY_SILENT = "gateway_restarted", "gateway_silent"
END_REASONS = {GATEWAY_RESTARTED: N_("the gateway restarted"),
               GATEWAY_SILENT: N_("the gateway stopped answering")}


def outcome_of(status: str, answered_by: str | None) -> str:
    """What became of the call: who took it (voicemail, a forward) or else its status."""
    return _BY_TARGET.get(answered_by or "", status)


def bounded_reason(reason: dict | None) -> dict | None:
    """The routing reason kept with the entry: known keys, short texts."""
    if not reason:
        return None
    kept = {k: _short(reason.get(k)) for k in ("profile", "profile_key", "rule")
            if reason.get(k)}
    to = reason.get("forwarded_to")
    if isinstance(to, dict):
        kept["forwarded_to"] = {k: _short(to.get(k)) for k in ("kind", "target", "name")}
    return kept or None


def _short(value) -> str | None:
    return None if value is None else str(value)[:_TEXT_LIMIT]


def _rule(rule: str | None, lang: str) -> str | None:
    if rule and rule.startswith("exception"):
        return tr(lang, _EXCEPTION)
    words = _RULES.get(rule or "")
    return tr(lang, words) if words else None


def end_reason(code: str | None, lang: str = "en") -> str | None:
    """"the gateway restarted" in `lang` for an entry's end-reason code (None: it ended
    normally); a code this version does not know is shown as it is."""
    if code is None:
        return None
    words = END_REASONS.get(code)
    return tr(lang, words) if words else code


def why(direction: str, outcome: str | None, reason: dict | None,
        lang: str = "en") -> str | None:
    """One sentence for the app in `lang`, or None when the entry keeps no reason (outgoing
    calls, entries written before reasons were kept)."""
    if direction != "incoming" or not outcome or not reason or not reason.get("profile"):
        return None
    profile = shown_name(reason.get("profile_key"), reason["profile"], lang)
    rule = _rule(reason.get("rule"), lang)
    by = tr(lang, _BY_RULE, profile=profile, rule=rule) if rule else \
        tr(lang, _BY, profile=profile)
    if outcome == "voicemail":
        return tr(lang, N_("Went to voicemail by {by}"), by=by)
    if outcome == "forwarded":
        to = reason.get("forwarded_to") or {}
        whom = to.get("name") or to.get("target") or tr(lang, N_("another number"))
        return tr(lang, N_("Forwarded to {whom} by {by}"), whom=whom, by=by)
    return tr(lang, _RANG.get(outcome, _RANG_OTHERWISE),
              outcome=outcome.capitalize(), by=by)
