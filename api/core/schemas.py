"""Schema helpers shared by every feature."""
from __future__ import annotations


class PartialMixin:
    """Update schemas: every field optional (PATCH). Use as `class XUpdateSchema(PartialMixin, XSchema)`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
