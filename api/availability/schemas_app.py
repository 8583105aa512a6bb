"""Schemas of the app as a softphone: provisioning its device and what the app registers with."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.schemas import ID_RANGE, Integer
from .schemas import DeviceSchema


class AppDeviceCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("app",)), metadata={
        "description": "`app`: this app install as a softphone (administrators add the others)"})
    push_device_id = Integer(required=True, validate=ID_RANGE, metadata={
        "description": "One of my push devices (GET /me/push-devices) that can wake the app "
                       "for a call: an iPhone's voip token or an Android FCM token"})
    label = fields.String(load_default="", validate=validate.Length(0, 80))


class PushParamsSchema(Schema):
    provider = fields.String(data_key="pn-provider", metadata={"description": "apns or fcm"})
    prid = fields.String(data_key="pn-prid", metadata={"description": "The push token"})
    param = fields.String(data_key="pn-param", metadata={
        "description": "APNs: team id and topic; FCM: the project"})
    contact_params = fields.Function(lambda p: p.contact_params(), metadata={
        "description": "What the app appends to its Contact URI when it registers (RFC 8599)"})


class AppDeviceSchema(DeviceSchema):
    push_device_id = Integer(dump_only=True)
    push_params = fields.Nested(PushParamsSchema, dump_only=True, metadata={
        "description": "The RFC 8599 push parameters to register with; the edge refuses a "
                       "registration whose pn-prid is not this device's push token"})
