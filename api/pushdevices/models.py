"""Registered push devices and the record of every delivery attempt."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped

PLATFORMS = ("ios", "android")
TOKEN_KINDS = ("voip", "alert", "fcm")
ENVIRONMENTS = ("sandbox", "production")


class PushDevice(TenantScoped, Base):
    """One push token of one app install, bound to the session that registered it."""

    __tablename__ = "push_devices"
    # one owner per token inside a company; each company keeps its own registration
    __table_args__ = (UniqueConstraint("tenant_id", "token", name="uq_push_devices_tenant_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(10))
    token: Mapped[str] = mapped_column(String(1024))
    token_kind: Mapped[str] = mapped_column(String(10))
    app_id: Mapped[str] = mapped_column(String(200))  # bundle id (APNs topic) or package name
    environment: Mapped[str] = mapped_column(String(12), default="production")
    locale: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class PushAttempt(TenantScoped, Base):
    """One try to deliver one notification to one device (kept after the device is gone)."""

    __tablename__ = "push_attempts"
    __table_args__ = (Index("ix_push_attempts_tenant_at", "tenant_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    device_id: Mapped[int | None] = mapped_column(Integer)  # plain: the device may be pruned
    platform: Mapped[str] = mapped_column(String(10))
    token_kind: Mapped[str] = mapped_column(String(10))
    transport: Mapped[str] = mapped_column(String(10))      # apns / fcm / local
    kind: Mapped[str] = mapped_column(String(24))           # incoming_call, call_ended, ...
    call_id: Mapped[str | None] = mapped_column(String(128), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    outcome: Mapped[str] = mapped_column(String(24))        # delivered, pruned, retrying, ...
    status: Mapped[int | None] = mapped_column(Integer)     # the provider's HTTP status
    reason: Mapped[str | None] = mapped_column(String(120))
    latency_ms: Mapped[float | None] = mapped_column(Float)
