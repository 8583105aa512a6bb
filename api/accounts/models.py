"""Tenants, roles, users, sessions and the rows that keep them honest."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.db import Base, TenantScoped


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), default="NO")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Oslo")
    language: Mapped[str] = mapped_column(String(8), default="nb")
    password_policy: Mapped[str] = mapped_column(String(16), default="standard")
    sms_service_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    reset_keyword: Mapped[str] = mapped_column(String(32), default="PASSWORD")
    created_at: Mapped[datetime] = mapped_column(default=now)


class Role(TenantScoped, Base):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    builtin: Mapped[str | None] = mapped_column(String(32))  # administrator/team_leader/user
    permissions: Mapped[list] = mapped_column(JSON, default=list)


class User(TenantScoped, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "short_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(String(20), unique=True)  # E.164, the login
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    title: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(120))
    office_number: Mapped[str | None] = mapped_column(String(20), index=True)
    short_number: Mapped[str | None] = mapped_column(String(10))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # left out of the colleagues' directory (calls and caller ID still name them)
    hidden_from_directory: Mapped[bool] = mapped_column(Boolean, default=False,
                                                        server_default=false())
    custom_fields: Mapped[dict] = mapped_column(JSON, default=dict)  # CustomField.key -> value
    language: Mapped[str | None] = mapped_column(String(8))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column()
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)

    role: Mapped[Role] = relationship(lazy="joined")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PasswordHistory(Base):
    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=now)


class AuthSession(TenantScoped, Base):
    """One login on one device: the family of its rotating refresh tokens."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    generation: Mapped[int] = mapped_column(Integer, default=0)


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"),
                                            index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)


class RateCounter(Base):
    """Fixed-window counters shared by every worker (login, SMS, ...)."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column()
    count: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(TenantScoped, Base):
    """A security event or an administrative change: who did what to which object, when
    (`detail` holds the before and after of a change)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "tenant_id", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    flag: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


class UserPicture(TenantScoped, Base):
    """A user's profile picture, as served: re-encoded JPEG, at most 512 pixels a side."""

    __tablename__ = "user_pictures"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=now)


class CustomField(TenantScoped, Base):
    """A field the company adds to its users (employee number, start date, team, ...)."""

    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80))
    type: Mapped[str] = mapped_column(String(10))  # text, number, date, choice
    choices: Mapped[list] = mapped_column(JSON, default=list)
