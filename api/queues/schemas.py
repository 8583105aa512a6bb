"""Marshmallow schemas for queues, membership, live status, the queue log and callbacks."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from i18n import N_

from ..core.schemas import Boolean, Integer, PartialMixin
from .distribution import METHODS
from ..accounts.schemas import LANGS
from .models import (CALLBACK_NOTIFY, HOLD_MUSIC, NO_ANSWER_POLICIES, OVERFLOW_KINDS,
                     SHOWN_NUMBERS)

MAX_ID = 2**31 - 1
_id = validate.Range(1, MAX_ID)
# shown in a phone's display (a SIP display name): no quotes, backslashes, brackets, controls
_DISPLAY_SAFE = validate.Regexp(r'^[^"\\<>\x00-\x1f\x7f]*$',
                                error=N_("must not hold quotes, backslashes, < > or control "
                                         "characters"))


def _seconds(lo: int, hi: int, description: str, default: int):
    return Integer(validate=validate.Range(lo, hi), load_default=default,
                   metadata={"description": description})


class QueueSchema(Schema):
    id = Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    number = fields.String(allow_none=True, validate=validate.Length(0, 40),
                           metadata={"description": "The queue's public number (E.164 on output)"})
    short_number = fields.String(allow_none=True, validate=validate.Regexp(
        r"^(\d{2,8})?$", error=N_("must be 2 to 8 digits")))
    distribution = fields.String(load_default="round_robin", validate=validate.OneOf(METHODS),
                                 metadata={"description": "round_robin: the member idle longest "
                                           "in the best priority group with someone free; "
                                           "ring_all; ring_best_group; escalating: priority 0, "
                                           "then 0-1, then 0-2, then everyone, one step per "
                                           "ring time"})
    ring_time_s = _seconds(5, 600, "How long each member rings", 20)
    max_wait_s = _seconds(10, 86400, "Total time in queue before the overflow destination", 300)
    overflow_kind = fields.String(load_default="hangup", validate=validate.OneOf(OVERFLOW_KINDS),
                                  metadata={"description": "Where the caller goes after max_wait_s"})
    overflow_target = fields.String(allow_none=True, validate=validate.Length(0, 40),
                                    metadata={"description": "Number, queue id or user id"})
    wrapup_s = _seconds(0, 3600, "Wrap-up time after each queue call", 10)
    wrapup_extendable = Boolean(load_default=True)
    service_level_s = _seconds(1, 3600, "Answered within this many seconds counts as in service "
                               "level", 20)
    ring_when_empty = Boolean(load_default=False,
                              metadata={"description": "Accept callers when nobody is "
                                                       "logged in"})
    no_answer_policy = fields.String(load_default="keep",
                                     validate=validate.OneOf(NO_ANSWER_POLICIES),
                                     metadata={"description": "When a ready member lets a call "
                                               "ring out: keep, log_out, pause, "
                                               "log_out_unless_last"})
    callback_on_abandon = Boolean(load_default=True)
    offer_callback = Boolean(load_default=False, metadata={
        "description": "A waiting caller may press 1 to be put on the callback list (the "
                       "queue message says so, unless the queue has its own greeting)"})
    callback_shows_number = Boolean(load_default=False, metadata={
        "description": "A member calling a caller back from the app presents the queue's "
                       "number (else the member's own display number)"})
    auto_callback = Boolean(load_default=False, metadata={
        "description": "Call back the callback list automatically: the phone system rings "
                       "the next free member's device and, when they answer, dials the "
                       "caller; the attempt and its result are kept on the entry"})
    hide_from_switchboard = Boolean(load_default=False)
    keep_history = Boolean(load_default=True)
    announce_position = Boolean(load_default=False)
    greeting = fields.String(allow_none=True, load_default=None,
                             validate=validate.Length(1, 300),
                             metadata={"description": "What a caller hears on entering the "
                                       "queue, instead of \"You have reached <name>.\"; in "
                                       "greeting_language, the position and \"Please hold.\" "
                                       "are then not added"})
    greeting_language = fields.String(allow_none=True, load_default=None,
                                      validate=validate.OneOf(LANGS),
                                      metadata={"description": "The greeting's language "
                                                "(speech); none: the company's"})
    vip_numbers = fields.List(fields.String(validate=validate.Length(1, 40)),
                              load_default=list, validate=validate.Length(0, 200), metadata={
                                  "description": "Callers from these numbers go first (any "
                                                 "common format; E.164 on output)"})
    vip_contacts = Boolean(load_default=True, metadata={
        "description": "Company contacts tagged \"vip\" go first too"})
    leave_when_no_agent_free = Boolean(load_default=False, metadata={
        "description": "A caller who would wait because every member is busy, paused, "
                       "ringing or in wrap-up goes to the overflow at once"})
    shown_number = fields.String(load_default="caller", validate=validate.OneOf(SHOWN_NUMBERS),
                                 metadata={"description": "What a member's phone shows for a "
                                           "queue call: caller (number and name), queue (its "
                                           "number and name) or main (shown_main_number)"})
    shown_main_number = fields.String(allow_none=True, load_default=None,
                                      validate=validate.Length(0, 40), metadata={
                                          "description": "One of the company's main numbers "
                                                         "(shown_number main)"})
    shown_prefix = fields.String(allow_none=True, load_default=None,
                                 validate=[validate.Length(0, 16), _DISPLAY_SAFE], metadata={
                                     "description": "Put before the name the member sees"})
    shown_suffix = fields.String(allow_none=True, load_default=None,
                                 validate=[validate.Length(0, 16), _DISPLAY_SAFE], metadata={
                                     "description": "Put after the name the member sees"})
    announce_every_s = Integer(allow_none=True, load_default=None,
                               validate=validate.Range(10, 600), metadata={
                                   "description": "Repeat announce_text (or the queue "
                                                  "message) every N seconds while waiting"})
    announce_text = fields.String(allow_none=True, load_default=None,
                                  validate=validate.Length(1, 300), metadata={
                                      "description": "What is repeated while the caller waits "
                                                     "(in the greeting's language)"})
    hold_music = fields.String(load_default="default", validate=validate.OneOf(HOLD_MUSIC),
                               metadata={"description": "What a waiting caller hears between "
                                                        "messages: default (music), ringback, "
                                                        "silence"})
    callback_notify = fields.String(load_default="none",
                                    validate=validate.OneOf(CALLBACK_NOTIFY), metadata={
                                        "description": "Tell the members of a callback taken "
                                                       "by hand: none, sms or email"})


class QueueUpdateSchema(PartialMixin, QueueSchema):
    pass


class MemberSchema(Schema):
    user_id = Integer(dump_only=True)
    name = fields.String(dump_only=True)
    priority = Integer(load_default=0, validate=validate.Range(0, 9),
                       metadata={"description": "0 is the highest"})
    is_default = Boolean(load_default=True,
                         metadata={"description": "Toggled by remote login"})
    logged_in = Boolean(dump_only=True)
    paused = Boolean(dump_only=True)
    pause_reason = fields.String(dump_only=True, allow_none=True)
    wrapup_until = fields.DateTime(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True, metadata={
        "description": "logged_out, available, ringing, in_call, wrap_up or paused"})
    changed_at = fields.DateTime(dump_only=True)
    changed_by_user_id = Integer(dump_only=True, allow_none=True, metadata={
        "description": "Who last logged the member in or out (a team leader, or themself)"})
    calls_answered = Integer(dump_only=True)
    login_schedule = fields.List(fields.Nested(lambda: ScheduleWindowSchema()),
                                 allow_none=True, validate=validate.Length(0, 28),
                                 metadata={"description": "Weekly windows (company time) when "
                                           "the member is logged in: the login changes at "
                                           "each window's start and end, by hand in between; "
                                           "null: by hand only"})
    device_ids = fields.List(Integer(), dump_only=True, allow_none=True, metadata={
        "description": "The member's devices that ring for this queue (null: all)"})


class ScheduleWindowSchema(Schema):
    days = fields.List(Integer(validate=validate.Range(1, 7)), required=True,
                       validate=validate.Length(1, 7),
                       metadata={"description": "ISO weekdays, 1 is Monday"})
    start = fields.String(required=True, data_key="from",
                          validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$",
                                                   error=N_("must be HH:MM")))
    end = fields.String(required=True, data_key="to",
                        validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$",
                                                 error=N_("must be HH:MM")),
                        metadata={"description": "At or before from: runs past midnight"})


class MemberUpdateSchema(PartialMixin, MemberSchema):
    pass


class QueueStatusSchema(Schema):
    id = Integer()
    name = fields.String()
    number = fields.String(allow_none=True)
    short_number = fields.String(allow_none=True)
    calls_waiting = Integer()
    longest_wait_s = Integer()
    members = Integer()
    logged_in = Integer()
    available = Integer()
    in_wrap_up = Integer()
    in_call = Integer()
    paused = Integer()
    service_level_s = Integer(metadata={
        "description": "A call answered within this many seconds meets the service level"})
    calls_today = Integer(metadata={
        "description": "Calls that entered today (company time zone) and have ended"})
    answered_today = Integer()
    missed_today = Integer(metadata={"description": "Abandoned or timed out today"})
    service_level_pct = fields.Float(allow_none=True, metadata={
        "description": "Share of today's answered and missed calls answered within "
                       "service_level_s, in percent; null before the first call"})


class MyQueueSchema(QueueStatusSchema):
    me = fields.Nested(MemberSchema)


class SelectionSchema(Schema):
    queue_ids = fields.List(Integer(validate=_id), validate=validate.Length(0, 500),
                            load_default=None, allow_none=True,
                            metadata={"description": "The queues; leave out for all of them"})


class PauseSchema(SelectionSchema):
    reason = fields.String(allow_none=True, validate=validate.Length(0, 40))


class WrapupSchema(Schema):
    extra_s = Integer(required=True, validate=validate.Range(1, 3600),
                      metadata={"description": "Seconds to add to the wrap-up"})


class QueueCallSchema(Schema):
    id = Integer()
    queue_id = Integer()
    caller_number = fields.String(allow_none=True)
    caller_name = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "waiting, connected, answered, abandoned, "
                                     "timed_out, transferred, callback_requested"})
    entered_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    answered_by_user_id = Integer(allow_none=True)
    wait_s = Integer(allow_none=True)
    outcome_detail = fields.String(allow_none=True)
    priority = Integer(metadata={"description": "Higher is answered first"})
    priority_reason = fields.String(allow_none=True, metadata={
        "description": "vip, returned (from a transfer or an overflow), raised (by a team "
                       "leader)"})
    tags = fields.List(fields.String(), metadata={"description": "Set by the agent"})


class QueueCallQueryArgsSchema(Schema):
    missed = Boolean(load_default=False,
                     metadata={"description": "Only abandoned, timed-out and callback "
                                              "calls"})


class CallbackSchema(Schema):
    id = Integer(dump_only=True)
    queue_id = Integer(dump_only=True)
    queue_name = fields.String(dump_only=True)
    caller_number = fields.String(required=True, validate=validate.Length(1, 40))
    caller_name = fields.String(allow_none=True, validate=validate.Length(0, 200))
    reason = fields.String(dump_only=True)
    waiting_since = fields.DateTime(dump_only=True)
    attempts = Integer(dump_only=True)
    last_attempt_at = fields.DateTime(dump_only=True, allow_none=True)
    in_progress_by_user_id = Integer(dump_only=True, allow_none=True)
    hit = fields.Dict(dump_only=True, allow_none=True, metadata={
        "description": "Who the caller is (the who's-calling answer: name, company, source); "
                       "null when unknown"})


class CallbackResultSchema(Schema):
    answered = Boolean(required=True,
                       metadata={"description": "true removes the entry; false keeps it"})


class RemoteNumberSchema(Schema):
    id = Integer(dump_only=True)
    number = fields.String(required=True, validate=validate.Length(1, 40))
    created_at = fields.DateTime(dump_only=True)


class ServiceNumberSchema(Schema):
    number = fields.String(required=True, allow_none=True, validate=validate.Length(0, 40),
                           metadata={"description": "Calls to it from a registered phone toggle "
                                                    "the caller's queue login; null clears it"})
