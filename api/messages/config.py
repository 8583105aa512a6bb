"""Limits of the messages feature from PBX_MESSAGES_* environment variables
(docs/configuration.md)."""
from __future__ import annotations

from dataclasses import dataclass, fields

from ..config import Settings


@dataclass(frozen=True)
class MessagesConfig:
    user_per_hour: int = 50        # SMS (one per recipient) a user may send in an hour
    user_per_day: int = 200
    company_per_hour: int = 500    # SMS the whole company may send in an hour
    company_per_day: int = 2000
    max_recipients: int = 200      # recipients of one message, after groups are expanded
    max_parts: int = 6             # parts of one message (Kannel's sendsms-user max-messages)

    @classmethod
    def from_settings(cls, settings: Settings) -> "MessagesConfig":
        values = {}
        for f in fields(cls):
            name = f"PBX_MESSAGES_{f.name.upper()}"
            raw = settings.extra.get(name)
            if raw is None:
                continue
            try:
                values[f.name] = int(raw)
            except ValueError:
                raise RuntimeError(f"{name} must be a whole number, not {raw!r}")
            if values[f.name] < 1:
                raise RuntimeError(f"{name} must be at least 1")
        return cls(**values)
