"""Incoming SMS (kept for deduplication and the record) and outgoing SMS with their state.

Neither keeps the text: a reply may hold a one-time code, which is stored only as a hash
by the feature that made it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped


class SmsInbound(Base):
    __tablename__ = "sms_inbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None when the receiving number belongs to no company
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    dedupe_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sender: Mapped[str] = mapped_column(String(40))
    receiver: Mapped[str] = mapped_column(String(40))
    gateway_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=now)
    outcome: Mapped[str] = mapped_column(String(40), default="ignored")


class SmsOutbound(TenantScoped, Base):
    __tablename__ = "sms_outbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)  # echoed by delivery reports
    to_number: Mapped[str] = mapped_column(String(40), index=True)
    from_number: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(40))
    gateway: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    detail: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
