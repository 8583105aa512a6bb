"""The audit log as the API shows it, and its filters."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

ID = validate.Range(1, 2**31 - 1)


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor_user_id = fields.Integer(allow_none=True, metadata={
        "description": "Who did it (empty for events the service raised itself)"})
    kind = fields.String(metadata={"description": "e.g. profile_updated, login_throttled"})
    object_type = fields.String(allow_none=True, metadata={"description": "e.g. profile, schedule"})
    object_id = fields.Integer(allow_none=True)
    detail = fields.Dict(metadata={"description": "Before and after of a change, or the "
                                                  "event's particulars"})


class AuditQueryArgsSchema(Schema):
    actor_user_id = fields.Integer(validate=ID)
    kind = fields.String(validate=validate.Length(1, 60))
    object_type = fields.String(validate=validate.Length(1, 40))
    object_id = fields.Integer(validate=ID)
    since = fields.AwareDateTime(metadata={"description": "From this instant (inclusive)"})
    until = fields.AwareDateTime(metadata={"description": "Before this instant"})
