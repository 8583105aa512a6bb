"""What the app sends and receives for messages, templates, groups and the sender name."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from i18n import N_

from ..callerid.schemas import Text
from ..core.schemas import Boolean, Integer, PartialMixin

ID = validate.Range(1, 2**31 - 1)
MAX_TEXT = 5000
SCOPES = ("personal", "company")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(N_("must not be empty"))


def _ids(what: str):
    return fields.List(Integer(validate=ID), validate=validate.Length(0, 500),
                       load_default=list, metadata={"description": f"Ids of {what}"})


def _numbers():
    return fields.List(Text(validate=validate.Length(1, 40)), validate=validate.Length(0, 500),
                       load_default=list,
                       metadata={"description": "Numbers in any common format, read in the "
                                                "company's country", "example": ["900 12 345"]})


class MessageTextSchema(Schema):
    text = Text(required=True, validate=validate.Length(0, MAX_TEXT),
                metadata={"example": "Møtet flyttes til 14:00 ✓"})


class MessagePreviewSchema(Schema):
    encoding = fields.String(metadata={"description": "GSM-7 or UCS-2 (any character outside "
                                                      "GSM-7 makes the whole text UCS-2)"})
    characters = Integer(metadata={"description": "Characters as the user sees them"})
    units = Integer(metadata={"description": "Places the text takes: GSM-7 extension "
                                             "characters (€ [ ] { } ^ ~ \\ |) and "
                                             "emoji take two"})
    parts = Integer(metadata={"description": "SMS the text is sent as"})
    per_part = Integer(metadata={"description": "160/70 for one SMS, 153/67 per part "
                                                "of a longer one"})
    characters_left = Integer(metadata={"description": "Places left before one more "
                                                       "SMS is needed"})
    unicode_characters = fields.List(fields.String(), metadata={
        "description": "The characters that make the text UCS-2"})
    max_parts = Integer(metadata={"description": "The most parts a message may have"})
    too_long = Boolean()


class GroupMembersSchema(Schema):
    numbers = _numbers()
    contact_ids = _ids("company contacts or your own contacts")
    user_ids = _ids("colleagues")


class MessageCreateSchema(GroupMembersSchema):
    group_ids = _ids("recipient groups (the company's or your own)")
    text = Text(required=True, validate=[validate.Length(1, MAX_TEXT), _not_blank])
    sender = Text(validate=validate.Length(1, 40), metadata={
        "description": "The company's sender name or one of your numbers (see "
                       "/api/v1/messages/senders); the first of those when left out",
        "example": "ACME"})


class MessageRecipientSchema(Schema):
    number = fields.String()
    name = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "number, contact or colleague"})
    state = fields.String(metadata={"description": "queued, accepted (by the operator), "
                                                   "delivered, failed or opted_out (the "
                                                   "number texted STOP: not sent)"})
    updated_at = fields.AwareDateTime(allow_none=True)


class MessageSchema(Schema):
    id = Integer()
    user_id = Integer(allow_none=True, metadata={"description": "Who sent it"})
    sender = fields.String()
    text = fields.String()
    encoding = fields.String()
    parts = Integer()
    created_at = fields.AwareDateTime()
    recipients = fields.List(fields.Nested(MessageRecipientSchema))
    states = fields.Method("_states", metadata={"description": "Recipients per state"})

    def _states(self, message) -> dict:
        out: dict[str, int] = {}
        for r in message.recipients:
            out[r.state] = out.get(r.state, 0) + 1
        return out


class MessageHistoryQueryArgsSchema(Schema):
    user_id = Integer(validate=ID, metadata={"description": "Only this user's"})


class _Owned(Schema):
    id = Integer(dump_only=True)
    scope = fields.String(validate=validate.OneOf(SCOPES), load_default="personal",
                          metadata={"description": "personal (yours) or company (everyone's; "
                                                   "administrators)"})
    name = Text(required=True, validate=[validate.Length(1, 80), _not_blank])


class MessageTemplateSchema(_Owned):
    text = Text(required=True, validate=[validate.Length(1, MAX_TEXT), _not_blank])


class MessageTemplateUpdateSchema(PartialMixin, MessageTemplateSchema):
    pass


class RecipientGroupSchema(_Owned):
    members = fields.Nested(GroupMembersSchema, required=True)


class RecipientGroupUpdateSchema(PartialMixin, RecipientGroupSchema):
    pass


class MessageSenderSchema(Schema):
    sender = fields.String(metadata={"example": "ACME"})
    kind = fields.String(metadata={"description": "name, office, main or mobile"})
    label = fields.String()


class MessageSettingsSchema(Schema):
    sender_name = Text(required=True, allow_none=True, validate=validate.Length(0, 11),
                       metadata={"description": "Alphanumeric sender (up to 11 characters, "
                                                "at least one letter); null for none",
                                 "example": "ACME"})
