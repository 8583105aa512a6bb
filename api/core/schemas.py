"""Schema helpers shared by every feature."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


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
