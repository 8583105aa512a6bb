"""The one way the backend sends a push: a `Notifier`, built by a process's start-up and
handed to whatever raises the events (the gateway's calls, queue calls and transfers, the
API's test push).

Each method builds the notification (plain values, a deadline) and hands it to the sender:
it returns at once and never raises; the sending happens on the sender's thread or process.
"""
from __future__ import annotations

import time

from .events import (CALL_ENDED, INCOMING_CALL, MISSED_CALL, TEST, TRANSFER_RETURNED, VOICEMAIL,
                     VOICEMAIL_COUNT, Notify)
from .ports import Sender

HIT_FIELDS = ("name", "company", "title", "department", "source")
CONTEXT_FIELDS = ("queue", "main_number", "transferred_by", "returned", "last_spoke_to",
                  "callback")
REASON_FIELDS = ("profile", "rule", "dialled")  # dialled: office, mobile, main or short
CALL_ENDED_TTL_S = 30.0
MISSED_TTL_S = 24 * 3600.0
TEST_TTL_S = 60.0


class Notifier:
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    def stop(self, timeout: float = 5.0) -> None:
        """Finish what is in flight (up to `timeout`) and stop the sender."""
        self.sender.stop(timeout)

    def incoming_call(self, tenant_id: int, user_id: int, call_id: str,
                      caller_number: str | None, *, hit: dict | None = None,
                      context: dict | None = None, reason: dict | None = None,
                      ring_timeout: float = 25.0, ringing: tuple[str, ...] = ()) -> None:
        """A call is about to ring `user_id`: VoIP push to iPhones, high-priority data to
        Android.

        hit: the caller lookup (name, company, title, department, source); context: queue,
        transferred_by, last_spoke_to, callback; reason: why it rings this user (profile,
        rule). ring_timeout: seconds until ringing stops; nothing is sent or retried after it.
        ringing: the kinds of the user's devices that ring (`mobile`: the MEX mobile rings
        over the mobile network, so an iPhone gets an alert and no second call screen).
        """
        data = {"caller": _caller(caller_number, hit), "context": _pick(context, CONTEXT_FIELDS),
                "reason": _pick(reason, REASON_FIELDS), "ring_timeout": ring_timeout,
                "expires_at": int(time.time() + ring_timeout),
                "ringing": sorted(set(ringing)) or None}
        self._submit(INCOMING_CALL, tenant_id, user_id, call_id,
                     {k: v for k, v in data.items() if v is not None}, ring_timeout)

    def call_ended(self, tenant_id: int, user_id: int, call_id: str, *,
                   reason: str = "ended", ringing: tuple[str, ...] = ()) -> None:
        """The call stopped ringing for this user: reason `ended` (caller hung up or it went
        on elsewhere), `answered_elsewhere`, or `answered` (on another of the user's phones).
        Stops any retry of the incoming_call push for the same call. `ringing` as for
        `incoming_call`: an iPhone told by alert is cleared by alert."""
        data = {"reason": reason, "ringing": sorted(set(ringing)) or None}
        self._submit(CALL_ENDED, tenant_id, user_id, call_id,
                     {k: v for k, v in data.items() if v is not None}, CALL_ENDED_TTL_S)

    def missed_call(self, tenant_id: int, user_id: int, call_id: str,
                    caller_number: str | None, *, hit: dict | None = None) -> None:
        """An alert: a missed call, with the caller lookup (kept for a day by the providers)."""
        self._submit(MISSED_CALL, tenant_id, user_id, call_id,
                     {"caller": _caller(caller_number, hit)}, MISSED_TTL_S)

    def transfer_returned(self, tenant_id: int, user_id: int, call_id: str, target_name: str,
                          *, why: str | None = None, why_reason: str | None = None,
                          caller_number: str | None = None, hit: dict | None = None,
                          ring_timeout: float = 30.0) -> None:
        """An alert: "the call to <target_name> came back: <why>" (transfer with return).

        `why` says what happened, for a person ("Anna did not answer"); without it,
        `why_reason` (no_answer, busy, declined, unavailable, not_found) is worded in each
        phone's language.
        """
        data = {"target": target_name, "caller": _caller(caller_number, hit)}
        if why:
            data["why"] = why
        elif why_reason:
            data["why_reason"] = why_reason
        self._submit(TRANSFER_RETURNED, tenant_id, user_id, call_id, data, ring_timeout)

    def voicemail(self, tenant_id: int, user_id: int, call_id: str | None, message_id: int,
                  caller_number: str | None, *, hit: dict | None = None,
                  duration: float = 0.0, unread: int = 1, queue: dict | None = None) -> None:
        """An alert: a caller left a message (`duration` seconds); `unread` is the count of
        messages not heard yet in the user's own mailbox, the app's badge (kept for a day by
        the providers). `queue` ({id, name}): the message is in that queue's mailbox."""
        data = {"caller": _caller(caller_number, hit), "message_id": message_id,
                "duration": round(duration, 1), "unread": unread}
        if queue is not None:
            data["queue"] = queue
        self._submit(VOICEMAIL, tenant_id, user_id, call_id, data, MISSED_TTL_S)

    def voicemail_count(self, tenant_id: int, user_id: int, unread: int) -> None:
        """The badge alone (no alert, no sound): messages were heard or deleted, so every
        phone of the user shows the new unread count."""
        self._submit(VOICEMAIL_COUNT, tenant_id, user_id, None, {"unread": unread},
                     MISSED_TTL_S)

    def test(self, tenant_id: int, user_id: int) -> None:
        """An alert to every device of the user, to check that pushes arrive."""
        self._submit(TEST, tenant_id, user_id, None, {}, TEST_TTL_S)

    def _submit(self, kind: str, tenant_id: int, user_id: int, call_id: str | None,
                data: dict, ttl_s: float) -> None:
        created = time.monotonic()
        self.sender.submit(Notify(kind, tenant_id, user_id, call_id, data, created + ttl_s,
                                  created))


def _pick(source: dict | None, fields: tuple) -> dict | None:
    if not source:
        return None
    picked = {k: source[k] for k in fields if source.get(k) not in (None, "")}
    return picked or None


def _caller(number: str | None, hit: dict | None) -> dict:
    return {"number": number, **(_pick(hit, HIT_FIELDS) or {})}
