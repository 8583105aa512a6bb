"""Request and response shapes of transfers and the transfer screen."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from i18n import N_

from ..core.schemas import Boolean, Integer
from ..calls.schemas import LiveCallSchema
from .models import EXTERNAL_DISPLAY, METHODS, STATES, TARGET_KINDS

MAX_ID = 2**31 - 1
TIMEOUT_RANGE = validate.Range(min=5, max=120)


class TargetSchema(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(TARGET_KINDS))
    id = Integer(validate=validate.Range(min=1, max=MAX_ID),
                    metadata={"description": "colleague, queue or main number id"})
    number = fields.Str(validate=validate.Length(min=1, max=40),
                        metadata={"description": "an external number, any common format"})

    @validates_schema
    def _id_or_number(self, data, **_kw):
        if data["kind"] == "external" and not data.get("number"):
            raise ValidationError(N_("an external target needs a number"), "number")
        if data["kind"] != "external" and data.get("id") is None:
            raise ValidationError(N_("a {kind} target needs an id").format(kind=data["kind"]), "id")


class TransferCreateSchema(Schema):
    target = fields.Nested(TargetSchema, required=True)
    method = fields.Str(validate=validate.OneOf(METHODS),
                        metadata={"description": "default: my default_transfer_method"})
    timeout_s = Integer(validate=TIMEOUT_RANGE,
                           metadata={"description": "seconds the target rings before the "
                                                    "call comes back; default: the company's"})


class TransferSchema(Schema):
    id = Integer(required=True)
    call_id = Integer(allow_none=True, metadata={
        "description": "the live call while the transfer runs; null once it ended"})
    command_id = Integer(allow_none=True)
    method = fields.Str(required=True, metadata={"description": ", ".join(METHODS)})
    target = fields.Function(lambda t: {"kind": t.target_kind, "id": t.target_id,
                                        "number": t.target_number, "name": t.target_name},
                             required=True)
    timeout_s = Integer(required=True)
    state = fields.Str(required=True, metadata={"description": ", ".join(STATES)})
    reason = fields.Str(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    ended_at = fields.DateTime(allow_none=True)


class TargetsQueryArgsSchema(Schema):
    q = fields.Str(load_default=None, validate=validate.Length(max=100))
    limit = Integer(load_default=20, validate=validate.Range(min=1, max=100),
                       metadata={"description": "directory matches at most"})


class TransferTargetSchema(Schema):
    kind = fields.Str(required=True,
                      metadata={"description": "colleague, contact, external, queue, main_number"})
    id = Integer(allow_none=True, metadata={"description": "the target id to transfer to"})
    favourite_id = Integer(allow_none=True)
    name = fields.Str(allow_none=True)
    number = fields.Str(allow_none=True)
    availability = fields.Dict(allow_none=True,
                               metadata={"description": "colleagues: profile name, colour, "
                                                        "note, until (ISO 8601)"})
    in_call = Boolean(allow_none=True)
    calls_waiting = Integer(allow_none=True, metadata={"description": "queues"})
    members_logged_in = Integer(allow_none=True, metadata={"description": "queues"})
    transfer = fields.Dict(required=True,
                           metadata={"description": "the body to POST to transfer to it"})


class TransferTargetsSchema(Schema):
    default_method = fields.Str(required=True)
    calls = fields.List(fields.Nested(LiveCallSchema), required=True,
                        metadata={"description": "my calls in progress (the call to transfer)"})
    favourites = fields.List(fields.Nested(TransferTargetSchema), required=True)
    matches = fields.List(fields.Nested(TransferTargetSchema), required=True)
    queues = fields.List(fields.Nested(TransferTargetSchema), required=True)


class TransferPolicySchema(Schema):
    timeout_s = Integer(required=True, validate=TIMEOUT_RANGE,
                           metadata={"description": "default seconds before a transfer "
                                                    "with return comes back"})
    external_display = fields.Str(
        load_default="caller", validate=validate.OneOf(EXTERNAL_DISPLAY),
        metadata={"description": "the number an external transfer target sees: the "
                                 "caller's own (caller), the transferring user's office "
                                 "number (office) or one of the company's main numbers "
                                 "(main_number)"})
    external_display_main_number_id = Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "the main number shown when external_display is "
                                 "main_number"})

    @validates_schema
    def _main_number_named(self, data, **_kw):
        if data.get("external_display") == "main_number" and \
                data.get("external_display_main_number_id") is None:
            raise ValidationError(N_("main_number needs external_display_main_number_id"),
                                  "external_display_main_number_id")
