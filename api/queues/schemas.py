"""Marshmallow schemas for queues, membership, live status, the queue log and callbacks."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from i18n import N_

from ..core.schemas import Boolean, Integer, PartialMixin
from .distribution import METHODS
from ..accounts.schemas import LANGS
from .models import NO_ANSWER_POLICIES, OVERFLOW_KINDS

MAX_ID = 2**31 - 1
_id = validate.Range(1, MAX_ID)


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
