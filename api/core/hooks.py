"""In-process extension points between feature packages (no feature imports another's internals).

Feature packages register callbacks in their `register()` (called by create_app and by the
CLI bootstrap). Callbacks run inside the caller's transaction.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable

_hooks: dict[str, list[Callable]] = defaultdict(list)

USER_CREATED = "user_created"          # (session, user)
SESSIONS_REVOKED = "sessions_revoked"  # (session, tenant_id, session_ids: list[int])
AVAILABILITY_CHANGED = "availability_changed"  # (session, tenant_id, user_id, old: dict|None, new: dict)
QUEUE_CALL_ENDED = "queue_call_ended"  # (session, tenant_id, queue_id, event, detail: dict); queues
SMS_RECEIVED = "sms_received"  # (session, api.sms.services.ReceivedSms)


def on(event: str, fn: Callable) -> None:
    if fn not in _hooks[event]:
        _hooks[event].append(fn)


def fire(event: str, *args) -> None:
    for fn in list(_hooks[event]):
        fn(*args)


# -- single providers: one feature answers a question another feature asks -------------------
_providers: dict[str, Callable] = {}

IN_CALL_USER_IDS = "in_call_user_ids"   # (session, tenant_id, user_ids) -> set[int]; gateway
PRESENCE = "presence"                   # (session, tenant_id, user_ids) -> dict[int, dict]; availability
QUEUE_SUMMARY = "queue_summary"         # (session, tenant_id, queue_ids) -> dict[int, dict]; queues (live status)
CALLER_HITS = "caller_hits"             # (session, tenant_id, user_id, numbers) -> dict[str, dict]; callerid (local sources only)
CALL_TRANSFERS = "call_transfers"       # (session, tenant_id, user_id, sip_call_ids) -> dict[str, dict]; transfer (the call log's "transferred to")
FAVOURITE_TARGET = "favourite_target"   # (session, tenant_id, kind, target_id) -> dict|None {name, number?, availability?}; queues, main numbers
#   per kind: provide FAVOURITE_TARGET + ".<kind>" with (session, tenant_id, target_id); the queues
#   feature answers FAVOURITE_TARGET itself ("queue") and asks the per-kind provider for the others


def provide(name: str, fn: Callable) -> None:
    _providers[name] = fn


def ask(name: str, *args, default=None):
    """The provider's answer, or `default` when no feature provides it (yet)."""
    fn = _providers.get(name)
    return default if fn is None else fn(*args)
