"""The routing plan written out by hand for PlanSchema: a preview is asked often, and
marshmallow's generic dump of its nested steps and targets cost more than the rest of the
answer. The same output as the schema's fields (a test compares both)."""
from __future__ import annotations

from ..core.schemas import int_or_none, text_or_none


def _destination(d) -> dict | None:
    return None if d is None else {"kind": text_or_none(d.kind), "target": text_or_none(d.target)}


def _target(t) -> dict:
    return {"device_id": int_or_none(t.device_id), "kind": text_or_none(t.kind),
            "address": text_or_none(t.address), "delay": int_or_none(t.delay),
            "display_number": text_or_none(t.display_number), "stop": int_or_none(t.stop)}


def _step(s) -> dict:
    targets = s.targets
    return {"action": text_or_none(s.action), "text": text_or_none(s.text),
            "language": text_or_none(s.language),
            "targets": None if targets is None else [_target(t) for t in targets],
            "timeout": int_or_none(s.timeout), "destination": _destination(s.destination)}


def plan(p, until_field) -> dict:
    """A routing plan as PlanSchema's fields dump it (before its post_dump); `until_field`
    is the schema's DateTime field."""
    steps, skipped, numbers = p.steps, p.skipped, p.display_numbers
    return {
        "profile_id": int_or_none(p.profile_id), "profile_key": text_or_none(p.profile_key),
        "profile_name": text_or_none(p.profile_name), "source": text_or_none(p.source),
        "until": until_field._serialize(p.until, "until", p),
        "note": text_or_none(p.note), "busy": p.busy, "rule": text_or_none(p.rule),
        "reason": text_or_none(p.reason), "language": text_or_none(p.language),
        "steps": None if steps is None else [_step(s) for s in steps],
        "skipped": None if skipped is None else [
            {"device_id": int_or_none(k.device_id), "kind": text_or_none(k.kind),
             "reason": text_or_none(k.reason)} for k in skipped],
        "on_no_answer": _destination(p.on_no_answer),
        "display_numbers": None if numbers is None else {
            text_or_none(k): text_or_none(v) for k, v in numbers.items()},
        "dialled": text_or_none(p.dialled), "caller": text_or_none(p.caller)}
