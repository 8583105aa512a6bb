"""The feature wiring: who answers each cross-feature question and who hears each event.

Every provider and every subscriber of the service is listed here, once (with the two
flush listeners that keep derived rows in step, and the one that makes the changed queues'
live views before a commit, and the one that removes voicemail audio once its row is
gone); the bootstrap of each process calls `ports()` and hands the
result to its session factory. A question left without a provider
stops the process at start-up (`api.core.ports.WiringError`).
"""
from __future__ import annotations

from api.availability import numbers, presence
from api.availability import services as availability
from api.availability import usecase as routing
from api.availability.copying import on_user_copied as on_user_copied_availability
from api.callerid import provides as callerid
from api.callerid.index import follow_users
from api.calls.services import in_call_read, in_call_user_ids
from api.core.ports import Bus, Event, Ports
from api.events import raised as live_events
from api.messages.services import on_sms as opt_out_by_sms
from api.numbers import sync as number_registry
from api.passwordreset.sms_command import on_sms as reset_by_sms
from api.pushdevices.services import on_sessions_revoked
from api.queues.membership import on_availability_changed
from api.queues.membership import on_user_copied as on_user_copied_queues
from api.queues import live as queues_live
from api.queues.status import queue_summary, queue_target
from api.transfer.services import of_calls
from api.voicemail import cleanup as voicemail_files
from api.voicemail import provides as voicemail

SUBSCRIBERS = {
    Event.USER_CREATED: [availability.on_user_created],
    Event.USER_COPIED: [on_user_copied_availability, on_user_copied_queues],
    Event.SESSIONS_REVOKED: [on_sessions_revoked, live_events.on_sessions_revoked],
    Event.AVAILABILITY_CHANGED: [on_availability_changed, live_events.on_availability_changed],
    Event.QUEUE_CALL_ENDED: [callerid.log_queue_call],
    # STOP is an opt-out from the company's messages, not a password help request
    Event.SMS_RECEIVED: [opt_out_by_sms, reset_by_sms],
    # the app's live stream hears calls, commands and transfers change (`api.events`)
    Event.CALL_CHANGED: [live_events.on_call_changed, queues_live.on_call_changed],
    Event.COMMAND_FINISHED: [live_events.on_command_finished],
    Event.TRANSFER_CHANGED: [live_events.on_transfer_changed],
    Event.CALL_MISSED: [live_events.on_call_missed],
    Event.PRESENCE_CHANGED: [live_events.on_presence_changed],
    # made before each commit that changed a queue (`api.queues.live`)
    Event.QUEUES_CHANGED: [live_events.on_queues_changed],
}


def ports() -> Ports:
    """The process's ports: every question answered, every event's subscribers."""
    # rows other features keep in step inside the same flush (both idempotent): the
    # directory's search index follows the users, the number registry every number's owner;
    # queues that changed get their live view made before the commit (the app's stream)
    follow_users()
    number_registry.install()
    queues_live.install()
    voicemail_files.install()  # audio goes when its row, mailbox or company has gone
    return Ports(
        presence=presence.presence,
        in_call_user_ids=in_call_user_ids,
        in_call_read=in_call_read,
        queue_summary=queue_summary,
        caller_hits=callerid.caller_hits,
        call_transfers=of_calls,
        queue_target=queue_target,
        main_number_target=numbers.main_number_target,
        voicemail_unread=voicemail.unread,
        voicemail_unread_read=voicemail.unread_read,
        call_voicemails=voicemail.of_calls,
        vip_caller=callerid.vip_caller,
        settle_availability=routing.settle_users,
        events=Bus(SUBSCRIBERS),
    )
