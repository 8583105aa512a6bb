"""Voicemail: the messages callers left, the users' own greetings, the company's retention.

Every audio file belongs to one company and one mailbox, a user's or a queue's (its
overflow to voicemail, shared by its members): it lives in that mailbox's directory of the
voicemail store (`storage`), under a random name kept in `file` (never built from what a
user or a caller sent).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, CheckConstraint, ForeignKey, Index, Integer, String,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped

REASONS = ("no_answer", "busy", "profile", "queue")  # queue: its time to wait was over
GREETING_KINDS = ("unavailable", "busy", "away")
QUEUE_MAILBOX_KIND = "unavailable"      # a queue's mailbox greeting: nobody could answer
QUEUE_AUDIO_KINDS = ("greeting", "message")  # a queue's welcome, its repeated waiting message


class VoicemailMessage(TenantScoped, Base):
    """One message left for a user or a queue, with who left it as the call log shows
    callers."""

    __tablename__ = "voicemail_messages"
    __table_args__ = (Index("ix_voicemail_messages_user_created", "user_id", "created_at"),
                      Index("ix_voicemail_messages_queue_created", "queue_id", "created_at"),
                      # the unread count of every `GET /me`: only the user's unheard ones
                      Index("ix_voicemail_messages_user_unheard", "user_id", "tenant_id",
                            sqlite_where=text("heard_at IS NULL"),
                            postgresql_where=text("heard_at IS NULL")),
                      CheckConstraint("(user_id IS NULL) <> (queue_id IS NULL)",
                                      name="one_owner"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    call_id: Mapped[str | None] = mapped_column(String(100), index=True)
    caller_number: Mapped[str | None] = mapped_column(String(32))
    hit: Mapped[dict | None] = mapped_column(JSON)      # the who's-calling answer then
    reason: Mapped[str] = mapped_column(String(12))     # no_answer | busy | profile
    profile: Mapped[str | None] = mapped_column(String(80))  # the profile in force
    duration_ms: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    file: Mapped[str] = mapped_column(String(64))
    heard_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)

    @property
    def heard(self) -> bool:
        return self.heard_at is not None


class VoicemailGreeting(TenantScoped, Base):
    """A user's own greeting for one situation (unavailable, busy, away), or a queue's:
    for its mailbox (kind unavailable), its welcome (greeting) and the message repeated
    while callers wait (message)."""

    __tablename__ = "voicemail_greetings"
    __table_args__ = (UniqueConstraint("user_id", "kind"),
                      UniqueConstraint("queue_id", "kind"),
                      CheckConstraint("(user_id IS NULL) <> (queue_id IS NULL)",
                                      name="one_owner"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    duration_ms: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    file: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class VoicemailSettings(Base):
    """The company's retention: how old and how many messages a mailbox keeps."""

    __tablename__ = "voicemail_settings"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"),
                                           primary_key=True)
    max_age_days: Mapped[int] = mapped_column(Integer, default=30)
    max_messages: Mapped[int] = mapped_column(Integer, default=100)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
