"""Marshmallow schemas for push devices and the push log."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from i18n import N_

from ..core.schemas import Boolean, Integer
from .models import ENVIRONMENTS, PLATFORMS, TOKEN_KINDS

_KINDS_BY_PLATFORM = {"ios": ("voip", "alert"), "android": ("fcm",)}
NOTIFICATION_KINDS = ("incoming_call", "call_ended", "missed_call", "transfer_returned", "test",
                      "voicemail", "voicemail_count")
OUTCOMES = ("delivered", "pruned", "retrying", "expired_auth", "gave_up", "failed",
            "too_large", "not_relevant")


class PushDeviceSchema(Schema):
    id = Integer(dump_only=True)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    token = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_:\-.]{8,1024}$", error=N_("8 to 1024 letters, digits or _:-.")),
        metadata={"description": "APNs device token (hex) or FCM registration token"})
    token_kind = fields.String(required=True, validate=validate.OneOf(TOKEN_KINDS),
                               metadata={"description": "ios: voip (PushKit) or alert; "
                                                        "android: fcm"})
    app_id = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,199}$", error=N_("a bundle id or package name")),
        metadata={"description": "iOS bundle id (the APNs topic; `.voip` is added for VoIP "
                                 "tokens) or Android package name", "example": "no.example.pbx"})
    environment = fields.String(load_default="production", validate=validate.OneOf(ENVIRONMENTS),
                                metadata={"description": "APNs environment (ignored for FCM)"})
    locale = fields.String(allow_none=True, load_default=None,
                           validate=validate.Regexp(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,3}$",
                                                    error=N_("a locale such as nb-NO")))
    session_id = Integer(dump_only=True,
                                metadata={"description": "The login session it belongs to; "
                                                         "logging out removes the device"})
    current_session = Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @validates_schema
    def _kind_fits_platform(self, data, **_kw):
        platform, kind = data.get("platform"), data.get("token_kind")
        if platform and kind and kind not in _KINDS_BY_PLATFORM[platform]:
            raise ValidationError(N_("{platform} tokens are one of {kinds}").format(
                platform=platform, kinds=", ".join(_KINDS_BY_PLATFORM[platform])), "token_kind")


class PushTestSchema(Schema):
    devices = Integer(metadata={"description": "How many devices the test goes to"})


class PushAttemptSchema(Schema):
    id = Integer()
    at = fields.DateTime()
    user_id = Integer()
    device_id = Integer(allow_none=True)
    platform = fields.String()
    token_kind = fields.String()
    transport = fields.String(metadata={"description": "apns, fcm or local"})
    kind = fields.String(metadata={"description": ", ".join(NOTIFICATION_KINDS)})
    call_id = fields.String(allow_none=True)
    attempt = Integer()
    outcome = fields.String(metadata={"description": ", ".join(OUTCOMES)})
    status = Integer(allow_none=True, metadata={"description": "provider HTTP status"})
    reason = fields.String(allow_none=True, metadata={"description": "provider reason"})
    latency_ms = fields.Float(allow_none=True)


class PushAttemptQueryArgsSchema(Schema):
    user_id = Integer(validate=validate.Range(1, 2**31 - 1))
    call_id = fields.String(validate=validate.Length(1, 128))
    kind = fields.String(validate=validate.OneOf(NOTIFICATION_KINDS))
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
