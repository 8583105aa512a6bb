"""Contacts, the number index, external sources, favourites and the call logs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, Boolean, ForeignKey, Index, Integer, SmallInteger,
                        String, Text)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped


class Contact(TenantScoped, Base):
    """A shared company contact (owner_user_id is None) or a user's personal contact."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    numbers: Mapped[list] = mapped_column(JSON, default=list)  # [{"label", "number" (E.164)}]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class DirectoryNumber(Base):
    """Every known number, normalised, with the display fields of its owner (lookup reads one row).

    kind: colleague (owner_id = user id), contact (company contact), personal (a user's own
    contact; owner_user_id set), external (a register entry; owner_id = source id).
    rank: order of trust, lowest first.
    """

    __tablename__ = "directory_numbers"
    __table_args__ = (Index("ix_directory_numbers_tenant_num", "tenant_id", "num"),
                      Index("ix_directory_numbers_kind_owner", "kind", "owner_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    num: Mapped[int] = mapped_column(BigInteger)  # E.164 digits as an integer
    e164: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    rank: Mapped[int] = mapped_column(SmallInteger)
    owner_id: Mapped[int] = mapped_column(Integer)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(200))


class DirectoryChange(Base):
    """A number was added or removed somewhere (the phone's call directory syncs from these)."""

    __tablename__ = "directory_changes"
    __table_args__ = (Index("ix_directory_changes_tenant_id_id", "tenant_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    owner_user_id: Mapped[int | None] = mapped_column(Integer)
    num: Mapped[int] = mapped_column(BigInteger)


class ExternalSource(TenantScoped, Base):
    """An external directory: a local register (entries in directory_numbers) or an HTTP API."""

    __tablename__ = "external_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # register | http_json | plug-ins
    position: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Favourite(TenantScoped, Base):
    __tablename__ = "favourites"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))  # colleague|contact|external|queue|main_number
    target_id: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(20))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)


class CallLogEntry(TenantScoped, Base):
    """One call in a user's personal log, with the who's-calling hit as it was then."""

    __tablename__ = "call_log"
    __table_args__ = (Index("ix_call_log_user_started", "user_id", "started_at"),
                      Index("ix_call_log_tenant_number_started", "tenant_id", "other_number",
                            "started_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    call_id: Mapped[str | None] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(10))  # incoming | outgoing
    status: Mapped[str] = mapped_column(String(12))  # answered | missed | rejected | failed
    other_number: Mapped[str | None] = mapped_column(String(32))
    hit: Mapped[dict | None] = mapped_column(JSON)
    via_queue_id: Mapped[int | None] = mapped_column(Integer)
    via_main_number_id: Mapped[int | None] = mapped_column(Integer)
    transferred_by_user_id: Mapped[int | None] = mapped_column(Integer)
    is_callback: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    handled_at: Mapped[datetime | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(String(100))  # the system cut it: a code
    # answered, voicemail, forwarded, missed, rejected or failed (null: logged before it was kept)
    outcome: Mapped[str | None] = mapped_column(String(12))
    # the routing that decided it: {"profile", "rule", "forwarded_to": {kind, target, name}}
    reason: Mapped[dict | None] = mapped_column(JSON)


class QueueLogEntry(TenantScoped, Base):
    """One queue call event: answered, abandoned, transferred, timed out, callback requested."""

    __tablename__ = "queue_log"
    __table_args__ = (Index("ix_queue_log_tenant_at", "tenant_id", "at"),
                      Index("ix_queue_log_tenant_caller_at", "tenant_id", "caller_number", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(Integer, index=True)
    call_id: Mapped[str | None] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(20))
    caller_number: Mapped[str | None] = mapped_column(String(32))
    hit: Mapped[dict | None] = mapped_column(JSON)
    member_user_id: Mapped[int | None] = mapped_column(Integer)
    transferred_to: Mapped[str | None] = mapped_column(String(40))
    wait_s: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column()
