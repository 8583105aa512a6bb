"""A transfer the app asked for, and the company's transfer policy.

The live call and its command live in the calls feature: they are referenced by plain ids
(`call_id`, `command_id`), because the live call row goes away when the call ends while the
transfer stays as the record of what happened.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped

METHODS = ("with_return", "blind", "attended")
TARGET_KINDS = ("colleague", "queue", "main_number", "external")
ACTIVE = ("requested", "ringing", "consulting")
FINAL = ("completed", "returned", "cancelled", "failed")
STATES = ACTIVE + FINAL
DEFAULT_TIMEOUT_S = 20
# what an external transfer target sees as the calling number
EXTERNAL_DISPLAY = ("caller", "office", "main_number")


class Transfer(TenantScoped, Base):
    __tablename__ = "transfers"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # live_calls.id while the transfer runs; None once it ended (that id may be reused)
    call_id: Mapped[int | None] = mapped_column(Integer, index=True)
    sip_call_id: Mapped[str | None] = mapped_column(String(200), index=True)  # the call log's
    command_id: Mapped[int | None] = mapped_column(Integer)      # call_commands.id
    gateway_id: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(12))
    target_kind: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_number: Mapped[str] = mapped_column(String(40))
    target_name: Mapped[str | None] = mapped_column(String(200))
    timeout_s: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="requested")
    reason: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    ended_at: Mapped[datetime | None] = mapped_column()


class TransferPolicy(Base):
    """Per company: how long a transfer with return rings before the call comes back, and
    which number an external target sees."""

    __tablename__ = "transfer_policies"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"),
                                           primary_key=True)
    timeout_s: Mapped[int] = mapped_column(Integer, default=DEFAULT_TIMEOUT_S)
    # the caller's own number, the transferring user's office number, or one main number
    external_display: Mapped[str] = mapped_column(String(12), default="caller")
    external_display_main_number_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=now)
