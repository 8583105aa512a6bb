"""Voicemail messages, greetings and the company's retention as the API shows them."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.schemas import Boolean, Integer
from .models import GREETING_KINDS, REASONS


class VoicemailMessageSchema(Schema):
    id = Integer()
    call_id = fields.String(allow_none=True, metadata={
        "description": "The call's Call-ID: the call log entry of the same call links here"})
    queue_id = Integer(allow_none=True, metadata={
        "description": "The queue whose mailbox holds it (its overflow); null: a user's own"})
    caller_number = fields.String(allow_none=True)
    hit = fields.Dict(allow_none=True, metadata={
        "description": "Who called, as the call log shows it (name, company, source...)"})
    reason = fields.String(metadata={"description": "why the call came to voicemail: "
                                                    + ", ".join(REASONS)})
    profile = fields.String(allow_none=True, metadata={
        "description": "The availability profile in force when the call came"})
    duration = fields.Function(lambda m: round(m.duration_ms / 1000, 1),
                               metadata={"description": "seconds"})
    size = Integer(metadata={"description": "bytes of audio"})
    content_type = fields.Constant("audio/wav")
    heard = Boolean()
    heard_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class VoicemailQueryArgsSchema(Schema):
    unread = Boolean(metadata={"description": "true: only messages not heard yet; false: "
                                              "only those heard"})


class VoicemailUpdateSchema(Schema):
    heard = Boolean(required=True)


class GreetingSchema(Schema):
    kind = fields.String(metadata={"description": ", ".join(GREETING_KINDS)})
    duration = fields.Function(lambda g: round(g.duration_ms / 1000, 1),
                               metadata={"description": "seconds"})
    size = Integer()
    content_type = fields.Constant("audio/wav")
    updated_at = fields.DateTime()


class MailboxSettingsSchema(Schema):
    email_copy = Boolean(required=True, metadata={
        "description": "Each new message also comes by e-mail, with its audio attached"})
    email = fields.Email(dump_only=True, allow_none=True, metadata={
        "description": "Where the copies go: the e-mail address of my profile"})


class VoicemailSettingsSchema(Schema):
    max_age_days = Integer(required=True, validate=validate.Range(1, 3650), metadata={
        "description": "Messages older than this are deleted"})
    max_messages = Integer(required=True, validate=validate.Range(1, 10000), metadata={
        "description": "A mailbox holding this many messages makes room by deleting the "
                       "oldest heard one; with none heard it is full and callers are told"})
