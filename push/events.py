"""The notifications the rest of the backend asks for (plain values; built by the caller).

`deadline` is a `time.monotonic()` instant after which the notification is no longer worth
delivering (the end of ringing for a call); transports and retries never go past it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Notify:
    kind: str                      # incoming_call, call_ended, missed_call, transfer_returned, test, voicemail(_count)
    tenant_id: int
    user_id: int
    call_id: str | None
    data: dict                     # what the app shows (already plain JSON values)
    deadline: float                # monotonic seconds
    created: float                 # monotonic seconds, when notify_* was called
    tags: dict = field(default_factory=dict)


INCOMING_CALL = "incoming_call"
CALL_ENDED = "call_ended"
MISSED_CALL = "missed_call"
TRANSFER_RETURNED = "transfer_returned"
TEST = "test"
VOICEMAIL = "voicemail"
VOICEMAIL_COUNT = "voicemail_count"  # the badge alone: unread messages changed

CALL_KINDS = (INCOMING_CALL, CALL_ENDED)  # silenced by the user's "push for calls" setting
