"""What the SMS gateway sends to the webhooks, and what they answer."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class SmsSecretSchema(_Lenient):
    secret = fields.String(validate=validate.Length(0, 200),
                           metadata={"description": "The shared secret (PBX_SMS_WEBHOOK_SECRET), "
                                                    "or send it as the X-Webhook-Secret header"})


class KannelInboundQuerySchema(SmsSecretSchema):
    """Kannel sms-service get-url: `...?secret=S&from=%p&to=%P&text=%a&ts=%T&id=%I`."""

    from_ = fields.String(data_key="from", validate=validate.Length(0, 40),
                          metadata={"description": "Sender (%p)", "example": "+4790000002"})
    to = fields.String(validate=validate.Length(0, 40),
                       metadata={"description": "Receiver, the service number (%P)"})
    text = fields.String(validate=validate.Length(0, 2000),
                         metadata={"description": "The message (%a)", "example": "PASSWORD"})
    ts = fields.String(validate=validate.Length(0, 40),
                       metadata={"description": "Kannel's timestamp of the message (%T)"})
    id = fields.String(validate=validate.Length(0, 64),
                       metadata={"description": "Kannel's id of the message (%I)"})


class KannelPostHeadersSchema(_Lenient):
    """Kannel sms-service post-url (with `send-sender = true`): the body is the text."""

    from_ = fields.String(data_key="X-Kannel-From", validate=validate.Length(0, 40))
    to = fields.String(data_key="X-Kannel-To", validate=validate.Length(0, 40))
    time = fields.String(data_key="X-Kannel-Time", validate=validate.Length(0, 40))


class DeliveryReportQuerySchema(SmsSecretSchema):
    """Kannel dlr-url: `...?secret=S&ref=REF&type=%d`."""

    ref = fields.String(validate=validate.Length(0, 64))
    type = fields.String(validate=validate.Length(0, 8),
                         metadata={"description": "Kannel's report type: 1 delivered, "
                                                  "2 undelivered, 4 buffered, 8 accepted, "
                                                  "16 rejected"})


class WebhookAnswerSchema(Schema):
    status = fields.String(metadata={"description": "Always `received`: the answer never "
                                                    "depends on the message"})
