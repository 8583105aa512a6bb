"""Request and response shapes of live calls and call commands."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class LiveCallSchema(Schema):
    id = fields.Int(required=True)
    other_number = fields.Str(allow_none=True, metadata={"description": "E.164 when known"})
    direction = fields.Str(required=True, metadata={"description": "incoming or outgoing"})
    state = fields.Str(required=True, metadata={"description": "ringing or answered"})
    since = fields.DateTime(attribute="started_at", required=True)
    answered_at = fields.DateTime(allow_none=True)


class CommandHeadersSchema(Schema):
    class Meta:
        unknown = "exclude"

    idempotency_key = fields.Str(data_key="Idempotency-Key", load_default=None,
                                 validate=validate.Length(min=1, max=100))


class CallCommandSchema(Schema):
    id = fields.Int(required=True)
    call_id = fields.Int(required=True)
    kind = fields.Str(required=True, metadata={"description": "hangup"})
    state = fields.Str(required=True,
                       metadata={"description": "pending, running, done or failed"})
    result = fields.Str(allow_none=True)
    created_at = fields.DateTime(required=True)
    done_at = fields.DateTime(allow_none=True)
