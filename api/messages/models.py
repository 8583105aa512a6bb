"""Messages sent from the app, their recipients, templates, recipient groups, opt-outs and
the company's sender name.

A recipient who is sent the message has an `sms_outbound` row (the SMS gateway's record,
moved forward by delivery reports); one skipped (opted out) has none and says why.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.db import Base, TenantScoped
from ..sms.models import SmsOutbound


class Message(TenantScoped, Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    sender: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    encoding: Mapped[str] = mapped_column(String(8))
    parts: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))  # a retried tap
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)

    recipients: Mapped[list["MessageRecipient"]] = relationship(
        order_by="MessageRecipient.id", lazy="selectin", cascade="all, delete-orphan")


class MessageRecipient(TenantScoped, Base):
    __tablename__ = "message_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))  # number | contact | colleague
    outbound_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_outbound.id", ondelete="SET NULL"))
    skipped: Mapped[str | None] = mapped_column(String(16))  # opted_out

    outbound: Mapped[SmsOutbound | None] = relationship(lazy="joined")

    @property
    def state(self) -> str:
        if self.skipped:
            return self.skipped
        return self.outbound.state if self.outbound is not None else "unknown"

    @property
    def updated_at(self) -> datetime | None:
        return self.outbound.updated_at if self.outbound is not None else None


class _Owned(TenantScoped):
    """The company's (owner_user_id None, kept by administrators) or one user's own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    @property
    def scope(self) -> str:
        return "company" if self.owner_user_id is None else "personal"


class MessageTemplate(_Owned, Base):
    __tablename__ = "message_templates"

    text: Mapped[str] = mapped_column(Text)


class RecipientGroup(_Owned, Base):
    """Numbers, contacts and colleagues to send to at once."""

    __tablename__ = "recipient_groups"

    # {"numbers": [E.164], "contact_ids": [int], "user_ids": [int]}
    members: Mapped[dict] = mapped_column(JSON, default=dict)


class SmsOptOut(TenantScoped, Base):
    """A number that texted STOP to the company: it receives no more messages from it."""

    __tablename__ = "sms_opt_outs"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    keyword: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=now)


class MessageSettings(Base):
    """The company's alphanumeric sender name (what recipients see instead of a number)."""

    __tablename__ = "message_settings"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"),
                                           primary_key=True)
    sender_name: Mapped[str | None] = mapped_column(String(11))
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
