"""Live call state and the command channel, shared by the SIP gateways and the API workers.

A gateway writes a `LiveCall` row (and its legs) while it holds a call and deletes it when the
call ends; the API reads them ("my calls", "in a call"). A command for a call (`CallCommand`)
names the gateway that holds the call; that gateway claims and executes it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped


TRANSFERRING = "transferring"  # the user's leg is gone, a transfer target rings: user free
VOICEMAIL = "voicemail"        # the caller hears the greeting or leaves a message: user free


class LiveCall(TenantScoped, Base):
    __tablename__ = "live_calls"
    __table_args__ = (UniqueConstraint("gateway_id", "sip_call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    gateway_id: Mapped[str] = mapped_column(String(64), index=True)
    sip_call_id: Mapped[str] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(String(10))       # incoming, outgoing
    other_number: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(12))   # ringing, answered, held, transferring
    started_at: Mapped[datetime] = mapped_column(default=now)
    answered_at: Mapped[datetime | None] = mapped_column()


class CallLeg(TenantScoped, Base):
    __tablename__ = "live_call_legs"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("live_calls.id", ondelete="CASCADE"),
                                         index=True)
    leg_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))   # softphone, deskphone, mobile, voicemail..
    uri: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12))  # answered


class CallCommand(TenantScoped, Base):
    __tablename__ = "call_commands"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "idempotency_key"),
                      Index("ix_call_commands_pending", "gateway_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(Integer)    # live_calls.id (the row goes when it ends)
    gateway_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))    # hangup, hold, retrieve, transfer_*
    args: Mapped[dict | None] = mapped_column(JSON, default=None)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending, done, failed
    result: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    done_at: Mapped[datetime | None] = mapped_column()


class GatewayEndpoint(Base):
    """Where a gateway takes wake-ups for its commands (a UDP address), written at its start,
    and when it was last seen running (its heartbeat).

    A wake-up carries no authority: the gateway only claims its pending commands sooner."""

    __tablename__ = "gateway_endpoints"

    gateway_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(100))
    port: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=now)
    seen_at: Mapped[datetime | None] = mapped_column()  # its last heartbeat
