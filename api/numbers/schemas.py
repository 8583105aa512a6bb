"""Request and response shapes of the number registry."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.schemas import Integer
from .models import KINDS, MAX_SERIES_SIZE, SERIES_KINDS


class NumberOwnerSchema(Schema):
    type = fields.String(metadata={"description": "user, queue, main_number or company"})
    id = Integer(metadata={"description": "the user's, queue's or main number's id "
                                                 "(the company's own id for its service numbers)"})
    name = fields.String(metadata={"description": "the user's name, queue's name or label"})


class RegistryNumberSchema(Schema):
    number = fields.String(metadata={"description": "E.164, or the short number"})
    form = fields.String(metadata={"description": "public (E.164) or short"})
    kind = fields.String(metadata={"description": ", ".join(KINDS)})
    owner = fields.Nested(NumberOwnerSchema)


class RegistryNumberQueryArgsSchema(Schema):
    kind = fields.String(validate=validate.OneOf(list(KINDS)))


class FreeNumberQueryArgsSchema(Schema):
    series_id = Integer(validate=validate.Range(1, 2**31 - 1))
    limit = Integer(load_default=20, validate=validate.Range(1, 500))


class FreeNumberSchema(Schema):
    number = fields.String()
    form = fields.String(metadata={"description": "public (E.164) or short"})
    series_id = Integer()


class NumberSeriesSchema(Schema):
    id = Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(SERIES_KINDS),
                         metadata={"description": "public: E.164 numbers (any common format "
                                                  "on input); short: 2 to 8 digits"})
    first = fields.String(required=True, validate=validate.Length(1, 40))
    last = fields.String(required=True, validate=validate.Length(1, 40),
                         metadata={"description": f"as many digits as first; at most "
                                                  f"{MAX_SERIES_SIZE} numbers from first"})
    label = fields.String(load_default="", validate=validate.Length(0, 80))
