"""Push notifications to the phones: who's calling, call ended, missed call, transfer back.

The process that raises the events (the SIP gateway, the API) calls `start()` once in its
bootstrap, then the `notify_*` functions from any thread: each returns at once and never
raises; sending happens on the push thread. Nothing here is built at import time. Every
`notify_*` takes `via=` to use another sender than the process's one (tests, the API).
"""
from __future__ import annotations

import logging
import time

from .config import PushConfig
from .events import (CALL_ENDED, INCOMING_CALL, MISSED_CALL, TEST, TRANSFER_RETURNED, Notify)
from .service import PushService

_service: PushService | None = None
log = logging.getLogger("push")

HIT_FIELDS = ("name", "company", "title", "department", "source")
CONTEXT_FIELDS = ("queue", "main_number", "transferred_by", "last_spoke_to", "callback")
REASON_FIELDS = ("profile", "rule")
CALL_ENDED_TTL_S = 30.0
MISSED_TTL_S = 24 * 3600.0


def build_transports(config: PushConfig) -> dict:
    """APNs and FCM when their credentials are configured, the local sink otherwise."""
    from .local import LocalTransport

    local = LocalTransport(config.sink_url)
    transports = {"ios": local, "android": local}
    if config.apns_configured:
        from .apns import ApnsTransport
        transports["ios"] = ApnsTransport.from_config(config)
    if config.fcm_configured:
        from .fcm import FcmTransport
        transports["android"] = FcmTransport.from_config(config)
    return transports


def start(session_factory, config: PushConfig | None = None, *, transports: dict | None = None
          ) -> PushService:
    """Start this process's push sender (once; again after `stop()`)."""
    global _service
    if _service is not None:
        return _service
    transports = transports or build_transports(config or PushConfig.from_env())
    _service = PushService(session_factory, transports).start()
    return _service


def start_relay(database_url: str):
    """Start this process's push sender in a process of its own (`push.relay`), fed over a
    socket: the SIP gateway's choice, so that push work never competes with its calls."""
    global _service
    if _service is None:
        from .relay import Relay
        _service = Relay(database_url).start()
    return _service


def stop(timeout: float = 5.0) -> None:
    global _service
    if _service is not None:
        _service.stop(timeout)
        _service = None


def _submit(kind: str, tenant_id: int, user_id: int, call_id: str | None, data: dict,
            ttl_s: float, via: PushService | None) -> None:
    created = time.monotonic()
    notify = Notify(kind, tenant_id, user_id, call_id, data, created + ttl_s, created)
    via = via or _service
    if via is None:
        log.warning("push not started: notification dropped",
                    extra={"event": "push_dropped", "kind": kind, "call_id": call_id})
        return
    via.submit(notify)


def _pick(source: dict | None, fields: tuple) -> dict | None:
    if not source:
        return None
    picked = {k: source[k] for k in fields if source.get(k) not in (None, "")}
    return picked or None


def _caller(number: str | None, hit: dict | None) -> dict:
    return {"number": number, **(_pick(hit, HIT_FIELDS) or {})}


def notify_incoming_call(tenant_id: int, user_id: int, call_id: str, caller_number: str | None,
                         *, hit: dict | None = None, context: dict | None = None,
                         reason: dict | None = None, ring_timeout: float = 25.0,
                         via: PushService | None = None) -> None:
    """A call is about to ring `user_id`: VoIP push to iPhones, high-priority data to Android.

    hit: the caller lookup (name, company, title, department, source); context: queue,
    transferred_by, last_spoke_to, callback; reason: why it rings this user (profile, rule).
    ring_timeout: seconds until ringing stops; nothing is sent or retried after it.
    """
    data = {"caller": _caller(caller_number, hit), "context": _pick(context, CONTEXT_FIELDS),
            "reason": _pick(reason, REASON_FIELDS), "ring_timeout": ring_timeout,
            "expires_at": int(time.time() + ring_timeout)}
    _submit(INCOMING_CALL, tenant_id, user_id, call_id,
            {k: v for k, v in data.items() if v is not None}, ring_timeout, via)


def notify_call_ended(tenant_id: int, user_id: int, call_id: str, *, reason: str = "ended",
                      via: PushService | None = None) -> None:
    """The call stopped ringing for this user: reason `ended` (caller hung up or it went on
    elsewhere), `answered_elsewhere`, or `answered` (on another of the user's phones).
    Stops any retry of the incoming_call push for the same call."""
    _submit(CALL_ENDED, tenant_id, user_id, call_id, {"reason": reason}, CALL_ENDED_TTL_S, via)


def notify_missed_call(tenant_id: int, user_id: int, call_id: str, caller_number: str | None,
                       *, hit: dict | None = None, via: PushService | None = None) -> None:
    """An alert: a missed call, with the caller lookup (kept for a day by the providers)."""
    _submit(MISSED_CALL, tenant_id, user_id, call_id, {"caller": _caller(caller_number, hit)},
            MISSED_TTL_S, via)


def notify_transfer_returned(tenant_id: int, user_id: int, call_id: str, target_name: str,
                             *, why: str | None = None, caller_number: str | None = None,
                             hit: dict | None = None, ring_timeout: float = 30.0,
                             via: PushService | None = None) -> None:
    """An alert: "the call to <target_name> came back: <why>" (transfer with return).

    `why` says what happened, for a person ("Anna did not answer").
    """
    data = {"target": target_name, "caller": _caller(caller_number, hit)}
    if why:
        data["why"] = why
    _submit(TRANSFER_RETURNED, tenant_id, user_id, call_id, data, ring_timeout, via)


def notify_test(tenant_id: int, user_id: int, *, via: PushService | None = None) -> None:
    """An alert to every device of the user, to check that pushes arrive."""
    _submit(TEST, tenant_id, user_id, None, {}, 60.0, via)
