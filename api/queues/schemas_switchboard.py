"""Marshmallow schemas of the switchboard, tags, devices per queue, service level over time
and SLA alerts."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.schemas import Integer
from . import priority, sla
from .notify import CHANNELS
from .schemas import _id


class WaitingCallSchema(Schema):
    id = Integer()
    queue_id = Integer()
    queue_name = fields.String()
    caller_number = fields.String(allow_none=True)
    caller_name = fields.String(allow_none=True)
    hit = fields.Dict(allow_none=True, metadata={
        "description": "Who is calling (the who's-calling answer), null when unknown"})
    entered_at = fields.DateTime()
    wait_s = Integer()
    position = Integer(metadata={"description": "Place in its queue's order (1 is next)"})
    priority = Integer(metadata={"description": "Higher is answered first"})
    priority_reason = fields.String(allow_none=True, metadata={
        "description": "vip, returned (from a transfer or an overflow), raised"})
    ringing = fields.Boolean(metadata={"description": "Members' phones ring for it now"})
    target_user_id = Integer(allow_none=True, metadata={
        "description": "Picked by or assigned to this member: only their devices ring"})


class WaitingQueryArgsSchema(Schema):
    queue_id = Integer(validate=_id, metadata={"description": "Only this queue"})


class AssignSchema(Schema):
    user_id = Integer(required=True, validate=_id,
                      metadata={"description": "The colleague (a member of the queue)"})


class PrioritySchema(Schema):
    priority = Integer(required=True, validate=validate.Range(0, priority.MAX), metadata={
        "description": f"0 normal, {priority.RETURNED} back from a transfer or overflow, "
                       f"{priority.VIP} VIP; up to {priority.MAX}"})


class TagsSchema(Schema):
    tags = fields.List(fields.String(validate=validate.Length(1, 40)), required=True,
                       validate=validate.Length(0, 10))


class DevicesSchema(Schema):
    device_ids = fields.List(Integer(validate=_id), required=True, allow_none=True,
                             validate=validate.Length(1, 50), metadata={
                                 "description": "My devices that ring for this queue; null: "
                                                "all of them"})


class ServiceLevelQueryArgsSchema(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "First day (default: six "
                                                                  "days before to)"})
    to = fields.Date(metadata={"description": "Last day (default: today)"})
    by = fields.String(load_default="day", validate=validate.OneOf(("day", "hour")))


class ServiceLevelSchema(Schema):
    start = fields.DateTime(metadata={"description": "The day or hour (company time)"})
    calls = Integer()
    answered = Integer()
    missed = Integer(metadata={"description": "Abandoned or timed out"})
    service_level_pct = fields.Float(allow_none=True, metadata={
        "description": "Answered within the queue's service_level_s, in percent of answered "
                       "and missed; null without calls"})


class AlertSchema(Schema):
    id = Integer(dump_only=True)
    queue_id = Integer(dump_only=True)
    metric = fields.String(required=True, validate=validate.OneOf(sla.METRICS), metadata={
        "description": "waiting_calls and longest_wait_s alert above the threshold, "
                       "logged_in (members logged in) below it"})
    threshold = Integer(required=True, validate=validate.Range(0, 86400))
    for_minutes = Integer(load_default=0, validate=validate.Range(0, 1440), metadata={
        "description": "How long the figure must stay past the threshold"})
    channel = fields.String(load_default="sms", validate=validate.OneOf(CHANNELS), metadata={
        "description": "sms or email, to the company's team leaders"})
    breach_since = fields.DateTime(dump_only=True, allow_none=True)
    fired_at = fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "When this breach was reported (null: armed)"})
