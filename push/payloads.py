"""Which device gets which message, and what it carries (pure: plain values in and out).

iOS phones register two tokens: the PushKit (voip) token rings CallKit for incoming calls;
the alert token shows missed calls and returned transfers. A VoIP push must always be
reported to CallKit by the app, so a call that is over never gets one: call_ended goes to
Android and to alert tokens only (iOS learns the end of a ringing CallKit call from the
app's own connection). Without a voip token an iPhone is told of calls by alert.

One ring per phone: when the user's mobile rings over the mobile network (MEX, `ringing`
names `mobile`), the phone's own call screen is the ring; an iPhone then gets no VoIP push
(CallKit would show a second call screen) but a time-sensitive alert with who is calling,
and the call's end clears that alert. Android keeps its data message.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson

from . import alerts
from .events import (CALL_ENDED, CALL_KINDS, INCOMING_CALL, MISSED_CALL, VOICEMAIL,
                     VOICEMAIL_COUNT)

APNS_LIMIT = {"voip": 5120, "alert": 4096}
FCM_LIMIT = 4096
COLLAPSE_MAX = 64

@dataclass(frozen=True)
class Message:
    """One provider request for one device, before the transport adds auth and expiry."""

    device_id: int
    platform: str          # ios / android
    token: str
    token_kind: str        # voip / alert / fcm
    environment: str
    kind: str
    call_id: str | None
    push_type: str         # voip / alert (APNs) or data (FCM)
    topic: str | None      # APNs topic
    high_priority: bool
    collapse_id: str | None
    body: dict             # APNs JSON body, or FCM `data` (string values)
    payload: bytes = b""   # the body as JSON, as measured against the provider's limit


def plan(kind: str, call_id: str | None, data: dict, devices: list, settings: dict
         ) -> tuple[list[Message], list]:
    """Messages for the user's devices, and the devices skipped because nothing fits."""
    if kind in CALL_KINDS and settings.get("push_calls", True) is False:
        return [], []
    has_voip = any(d.platform == "ios" and d.token_kind == "voip" for d in devices)
    mex = kind in CALL_KINDS and "mobile" in (data.get("ringing") or ())
    out, too_large = [], []
    for d in devices:
        push_type = _push_type(kind, d, has_voip and not mex)
        if push_type is None:
            continue
        body, payload = _fit(kind, call_id, data, d, push_type)
        if body is None:
            too_large.append(d)
            continue
        out.append(Message(
            device_id=d.device_id, platform=d.platform, token=d.token, token_kind=d.token_kind,
            environment=d.environment, kind=kind, call_id=call_id, push_type=push_type,
            topic=(d.app_id + ".voip" if push_type == "voip" else d.app_id)
            if d.platform == "ios" else None,
            high_priority=kind not in (MISSED_CALL, VOICEMAIL, VOICEMAIL_COUNT),
            collapse_id=collapse_id(kind, call_id),
            body=body, payload=payload))
    return out, too_large


def _push_type(kind: str, d, voip_rings: bool) -> str | None:
    """`voip_rings`: the iPhone's CallKit shows this call (it has a voip token and the mobile
    network does not ring the same phone)."""
    if d.platform == "android":
        return "data"
    if d.token_kind == "voip":
        return "voip" if kind == INCOMING_CALL and voip_rings else None
    if kind in CALL_KINDS and voip_rings:
        return None  # CallKit shows (and clears) the call; an alert would show it twice
    return "alert"


def collapse_id(kind: str, call_id: str | None) -> str | None:
    """One visible notification per call: later pushes for the call replace earlier ones."""
    if not call_id:
        return None
    prefix = {MISSED_CALL: "missed", VOICEMAIL: "voicemail"}.get(kind, "call")
    cid = f"{prefix}-{call_id}"
    if len(cid.encode()) <= COLLAPSE_MAX:
        return cid
    return f"{prefix}-" + hashlib.sha256(call_id.encode()).hexdigest()[:40]


def _shrinks(data: dict):
    """The payload, then ever smaller versions of it (least useful parts dropped first)."""
    yield data
    ctx = dict(data.get("context") or {})
    if ctx.pop("last_spoke_to", None) is not None:
        data = {**data, "context": ctx}
        yield data
    if data.pop("context", None) is not None:
        yield data
    caller = dict(data.get("caller") or {})
    for key in ("department", "title", "company"):
        if caller.pop(key, None) is not None:
            data = {**data, "caller": caller}
            yield data
    if caller.get("name") and len(caller["name"]) > 64:
        yield {**data, "caller": {**caller, "name": caller["name"][:63] + "…"}}


def _fit(kind: str, call_id: str | None, data: dict, d, push_type: str
         ) -> tuple[dict | None, bytes]:
    """The body that fits the provider's limit, and its JSON."""
    for candidate in _shrinks(dict(data)):
        body = (_fcm_data(kind, call_id, candidate, alerts.language(d)) if push_type == "data"
                else _apns_body(kind, call_id, candidate, push_type, alerts.language(d)))
        limit = FCM_LIMIT if push_type == "data" else APNS_LIMIT[push_type]
        payload = encode(body)
        if len(payload) <= limit:
            return body, payload
    return None, b""


def size(body: dict) -> int:
    return len(encode(body))


def encode(body: dict) -> bytes:
    """Compact UTF-8 JSON (what APNs counts against its limit)."""
    return orjson.dumps(body)


def _apns_body(kind: str, call_id: str | None, data: dict, push_type: str, lang: str) -> dict:
    body = {"type": kind, "call_id": call_id, **data}
    if kind == VOICEMAIL_COUNT:  # the badge alone: nothing shown, nothing heard
        body["aps"] = {"badge": int(data.get("unread") or 0)}
    elif push_type == "alert":
        text = alerts.alert(kind, data, lang)
        body["aps"] = {"alert": {"title": text["title"], "body": text["body"],
                                 "title-loc-key": text["title_loc_key"],
                                 "loc-key": text["loc_key"], "loc-args": text["loc_args"]},
                       "sound": "default" if kind != CALL_ENDED else None,
                       "thread-id": "voicemail" if kind == VOICEMAIL else "calls",
                       # shown at once even in a Focus: the phone is ringing now
                       "interruption-level": "time-sensitive" if kind == INCOMING_CALL
                       else None}
        if kind == VOICEMAIL:
            body["aps"]["badge"] = int(data.get("unread") or 0)
        body["aps"] = {k: v for k, v in body["aps"].items() if v is not None}
    return body


def _fcm_data(kind: str, call_id: str | None, data: dict, lang: str) -> dict:
    """FCM data values are strings: nested parts travel as JSON text. The alert's words
    (for the app to show a notification) travel as `alert_*` keys beside the data; a call
    that ended only clears one, so it carries none."""
    out = {"type": kind}
    text = alerts.alert(kind, data, lang) if kind in alerts.SHOWN else {}
    for key, value in text.items():
        out["alert_" + key] = value if isinstance(value, str) else encode(value).decode()
    if call_id:
        out["call_id"] = call_id
    for key, value in data.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, str) else encode(value).decode()
    return out

