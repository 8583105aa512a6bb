"""Request and response shapes of live calls and call commands."""
from __future__ import annotations

from marshmallow import Schema, fields

from ..core.schemas import Integer

class LiveCallSchema(Schema):
    id = Integer(required=True)
    other_number = fields.Str(allow_none=True, metadata={"description": "E.164 when known"})
    direction = fields.Str(required=True, metadata={"description": "incoming or outgoing"})
    state = fields.Str(required=True, metadata={"description": "ringing or answered"})
    since = fields.DateTime(attribute="started_at", required=True)
    answered_at = fields.DateTime(allow_none=True)


class CallCommandSchema(Schema):
    id = Integer(required=True)
    call_id = Integer(required=True)
    kind = fields.Str(required=True, metadata={"description": "hangup"})
    state = fields.Str(required=True,
                       metadata={"description": "pending, running, done or failed"})
    result = fields.Str(allow_none=True)
    created_at = fields.DateTime(required=True)
    done_at = fields.DateTime(allow_none=True)
