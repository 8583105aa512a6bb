"""The flask-smorest Api, with problem JSON as the documented error shape."""
from __future__ import annotations

from flask_smorest import Api as _Api
from marshmallow import INCLUDE, Schema, fields


class ProblemSchema(Schema):
    """RFC 9457 problem details; extension members (retry_after, field, ...) may follow."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(metadata={"description": "URI identifying the problem type"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String(metadata={"description": "What went wrong, for a person"})
    instance = fields.String()
    request_id = fields.String(allow_none=True)
    errors = fields.Dict(metadata={"description": "Per-field messages (validation errors)"})


class Api(_Api):
    ERROR_SCHEMA = ProblemSchema


SPEC_OPTIONS = {
    "info": {"description": "REST API of the company phone app: accounts, availability, "
                            "who's calling, push, transfers and queues. Errors are RFC 9457 "
                            "problem details."},
    "components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    "security": [{"bearerAuth": []}],
}

PUBLIC = {"security": []}
