"""Schema helpers shared by every feature."""
from __future__ import annotations

import unicodedata

from marshmallow import Schema, ValidationError, fields, validate

from i18n import N_

# A row id as the database stores it (a 32-bit signed integer): larger never names a row.
ID_RANGE = validate.Range(1, 2**31 - 1)


class PartialMixin:
    """Update schemas: every field optional (PATCH). Use as `class XUpdateSchema(PartialMixin, XSchema)`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class IdempotencyHeadersSchema(Schema):
    """The `Idempotency-Key` header that makes a retried tap safe."""

    class Meta:
        unknown = "exclude"

    idempotency_key = fields.Str(data_key="Idempotency-Key", load_default=None,
                                 validate=validate.Length(min=1, max=100))


class Boolean(fields.Boolean):
    """`true` or `false` and nothing else (in a query string, the texts true and false).

    marshmallow's own Boolean also takes 0, 1, "yes", "on"...; the document says boolean,
    so a client sending 0 learns of its mistake instead of having it guessed."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self.make_error("invalid")


class Integer(fields.Integer):
    """A whole number, as JSON Schema means it: 2.5 or 1e-42 is refused, not truncated to 2 or
    0; 20.0 is 20. Text is taken only when it is all digits (query strings and paths)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        if isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def one_line(value: str) -> None:
    """A name shown on one line (a profile, a contact): no line breaks or other control
    characters, which would split the sentences and push alerts it appears in."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(N_("must not contain line breaks or other control characters"))


class HandDumped:
    """A schema whose dump is written by hand in `dump_one`, for the hottest responses:
    marshmallow's generic dump walks every field object per response. `dump_one` must give
    exactly what marshmallow's dump gives (a test compares both); the fields stay declared,
    for the OpenAPI document and for loading. With `only` or `exclude`, marshmallow dumps."""

    def dump(self, obj, *, many: bool | None = None):
        if self.only is not None or self.exclude:
            return super().dump(obj, many=many)
        if self.many if many is None else many:
            return [self.dump_one(one) for one in obj]
        return self.dump_one(obj)

    def dump_one(self, obj) -> dict:
        raise NotImplementedError


def text_or_none(value):
    """What marshmallow's String (and Email) dumps."""
    if value is None or type(value) is str:
        return value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def int_or_none(value):
    """What marshmallow's Integer dumps."""
    return None if value is None else int(value)
