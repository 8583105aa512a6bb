"""Why a call went where it went, as the call log tells it: "Forwarded to Anna by your Lunch
profile", "Went to voicemail (your In a meeting profile)". Pure functions."""
from __future__ import annotations

OUTCOMES = ("answered", "voicemail", "forwarded", "missed", "rejected", "busy", "failed")
_BY_TARGET = {"voicemail": "voicemail", "forward": "forwarded"}
_RULES = {"when_free": "when free", "when_busy": "when busy"}
_TEXT_LIMIT = 80


def outcome_of(status: str, answered_by: str | None) -> str:
    """What became of the call: who took it (voicemail, a forward) or else its status."""
    return _BY_TARGET.get(answered_by or "", status)


def bounded_reason(reason: dict | None) -> dict | None:
    """The routing reason kept with the entry: known keys, short texts."""
    if not reason:
        return None
    kept = {k: _short(reason.get(k)) for k in ("profile", "rule") if reason.get(k)}
    to = reason.get("forwarded_to")
    if isinstance(to, dict):
        kept["forwarded_to"] = {k: _short(to.get(k)) for k in ("kind", "target", "name")}
    return kept or None


def _short(value) -> str | None:
    return None if value is None else str(value)[:_TEXT_LIMIT]


def _rule(rule: str | None) -> str:
    if rule and rule.startswith("exception"):
        return "a caller exception"
    return _RULES.get(rule or "", "")


def why(direction: str, outcome: str | None, reason: dict | None) -> str | None:
    """One sentence for the app, or None when the entry keeps no reason (outgoing calls,
    entries written before reasons were kept)."""
    if direction != "incoming" or not outcome or not reason or not reason.get("profile"):
        return None
    by = f"your {reason['profile']} profile"
    rule = _rule(reason.get("rule"))
    by_rule = f"{by}, {rule}" if rule else by
    if outcome == "voicemail":
        return f"Went to voicemail by {by_rule}"
    if outcome == "forwarded":
        to = reason.get("forwarded_to") or {}
        whom = to.get("name") or to.get("target") or "another number"
        return f"Forwarded to {whom} by {by_rule}"
    if outcome == "answered":
        return f"Answered; rang as {by_rule} says"
    return f"{outcome.capitalize()}; rang as {by_rule} says"
