"""The gateway's port: the only way the SIP gateway reaches the API's data.

Plain values in and out (numbers, ids, frozen dataclasses, the pure routing `Plan`); the
queries and the use cases of the features stay on this side. Calls to users
(`users`: who owns a number, the plan for a call, outgoing display numbers, feature codes)
and calls to queues (`queues`: which queue, its settings and overflow, the queue call's
state and the members' own view of it); and `voicemail` (the mailbox a caller reaches, the
message left in it).
"""
from __future__ import annotations

from .queues import (  # noqa: F401
    NextRing, QueueRef, Remote, caller_hit, enqueue, member_answered, member_call_ended,
    member_call_logged, overflow, queue_by_id, queue_numbers, remote_login, ring_next,
    spoken_language, write)
from .calls import (  # noqa: F401
    HEARTBEAT_S, ROOT, attended_by_phone, call_answered, call_ended, call_held,
    call_in_voicemail, call_moved, call_order, call_placed,
    call_started, call_transferring, claim_commands, close_silent, close_stale_queue_calls,
    command_call, finish_command, gateway_restarted, heartbeat, now,
    order_for_command, placed_started, record_call, register_wakeup, returned_why,
    silent_after_s,
    transfer_by_phone, transfer_progress, wakeup_address, warm_up)
from .users import (  # noqa: F401
    Incoming, MainNumberRef, Owner, UserRef, activate_code, incoming, main_number_user,
    outbound_display, own_devices, public_owner, short_owner, tenant_country, user,
    user_by_mobile, user_by_own_number)
from .recording import QueueRecording, keep_recording, queue_recording  # noqa: F401
from . import voicemail  # noqa: F401 (the mailbox a caller reaches, the message left)
