"""The events outbox: what changed, written in the transaction that changed it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped


class OutboxEvent(TenantScoped, Base):
    """One event for the app's live stream (`GET /api/v1/me/events`).

    Who may see it: everyone of the tenant (`user_id` null), one user, or one of a user's
    sessions; `queue_id` narrows it to the members and leads of that queue. `data` is the
    object as the REST API returns it. Rows older than the replay window are deleted.
    """

    __tablename__ = "events_outbox"
    # AUTOINCREMENT on SQLite: an id is never reused once old rows are deleted
    __table_args__ = (Index("ix_events_outbox_at", "at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now)
    kind: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int | None] = mapped_column(Integer)
    session_id: Mapped[int | None] = mapped_column(Integer)
    queue_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
