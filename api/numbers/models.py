"""The number registry: every number the system routes, each owned once.

A public number (E.164) has one owner in the whole system; a short number has one owner
inside its company. The unique constraints below are what guarantee it; the registry's
rows are kept in step with the owners' own columns in the same transaction (`sync`).
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, TenantScoped

# kind -> (owner, the owner's field that holds it)
KINDS = {
    "office": ("user", "office_number"),
    "mobile": ("user", "mobile"),
    "user_short": ("user", "short_number"),
    "main": ("main_number", "number"),
    "queue": ("queue", "number"),
    "queue_short": ("queue", "short_number"),
    "queue_service": ("tenant", "number"),
    "sms_service": ("tenant", "sms_service_number"),
}
SERIES_KINDS = ("public", "short")
MAX_SERIES_SIZE = 10_000
MAX_SERIES_PER_TENANT = 50


class NumberEntry(TenantScoped, Base):
    """One number and the one thing it leads to (`kind` and `owner_id`)."""

    __tablename__ = "numbers"
    __table_args__ = (
        UniqueConstraint("e164", name="uq_numbers_e164"),
        UniqueConstraint("tenant_id", "short", name="uq_numbers_tenant_short"),
        UniqueConstraint("kind", "owner_id", name="uq_numbers_kind_owner"),
        CheckConstraint("(e164 IS NULL) <> (short IS NULL)", name="one_form"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer)  # user, queue, main number or tenant id
    e164: Mapped[str | None] = mapped_column(String(20))
    short: Mapped[str | None] = mapped_column(String(10))


class NumberSeries(TenantScoped, Base):
    """A range of numbers the company owns: public (E.164) or short, first to last."""

    __tablename__ = "number_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    first: Mapped[str] = mapped_column(String(20))
    last: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(80), default="")
