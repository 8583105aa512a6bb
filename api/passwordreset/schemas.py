"""Requests and answers of the password reset endpoints."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class PasswordResetRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 40),
                             metadata={"description": "The mobile number (the login)",
                                       "example": "+4790000002"})


class PasswordResetAcceptedSchema(Schema):
    status = fields.String(metadata={"example": "accepted"})
    detail = fields.String()


class PasswordResetConfirmSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 40))
    code = fields.String(required=True, validate=validate.Length(1, 12),
                         metadata={"description": "The one-time code from the SMS or e-mail"})
    new_password = fields.String(required=True, validate=validate.Length(1, 256),
                                 load_only=True)
