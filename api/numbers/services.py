"""Use cases of the number registry: the company's numbers, its number series, free numbers."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant
from ..core.errors import Conflict, field_error
from ..core.phone import normalise_field
from .models import MAX_SERIES_PER_TENANT, MAX_SERIES_SIZE, NumberEntry, NumberSeries

OWNER_TYPES = {"office": "user", "mobile": "user", "user_short": "user", "main": "main_number",
               "queue": "queue", "queue_short": "queue", "queue_service": "company",
               "sms_service": "company"}
COMPANY_LABELS = {"queue_service": "Queue service number (remote login)",
                  "sms_service": "SMS service number"}


# -- what the company's numbers lead to -------------------------------------------------------

def numbers_query(tenant_id: int, kind: str | None = None):
    stmt = select(NumberEntry).where(NumberEntry.tenant_id == tenant_id)
    if kind:
        stmt = stmt.where(NumberEntry.kind == kind)
    return stmt.order_by(func.coalesce(NumberEntry.e164, NumberEntry.short), NumberEntry.id)


def _names(db: Session, tenant_id: int, entries: list[NumberEntry]) -> dict:
    """{(owner type, id): name or label} of the owners of `entries` (this company only)."""
    from ..accounts.models import User
    from ..availability.models import MainNumber
    from ..queues.models import Queue

    ids: dict[str, set[int]] = {}
    for e in entries:
        ids.setdefault(OWNER_TYPES[e.kind], set()).add(e.owner_id)
    out = {}
    for owner_type, model, name in (("user", User, None), ("queue", Queue, Queue.name),
                                    ("main_number", MainNumber, MainNumber.label)):
        if not ids.get(owner_type):
            continue
        where = and_(model.tenant_id == tenant_id, model.id.in_(ids[owner_type]))
        if model is User:
            rows = db.execute(select(User.id, User.first_name, User.last_name).where(where))
            out.update({("user", i): f"{f} {l}".strip() for i, f, l in rows})
        else:
            out.update({(owner_type, i): n for i, n in db.execute(select(model.id, name)
                                                                  .where(where))})
    return out


def describe(db: Session, tenant_id: int, entries: list[NumberEntry]) -> list[dict]:
    names = _names(db, tenant_id, entries)
    out = []
    for e in entries:
        owner_type = OWNER_TYPES[e.kind]
        name = COMPANY_LABELS.get(e.kind) or names.get((owner_type, e.owner_id), "")
        out.append({"number": e.e164 or e.short, "form": "public" if e.e164 else "short",
                    "kind": e.kind, "owner": {"type": owner_type, "id": e.owner_id,
                                              "name": name}})
    return out


# -- number series ----------------------------------------------------------------------------

def list_series(db: Session, tenant_id: int) -> list[NumberSeries]:
    return list(db.scalars(select(NumberSeries).where(NumberSeries.tenant_id == tenant_id)
                           .order_by(NumberSeries.kind, NumberSeries.first, NumberSeries.id)))


def _bounds(tenant: Tenant, kind: str, first: str, last: str) -> tuple[str, str]:
    if kind == "public":
        first = normalise_field("first", first, tenant.country)
        last = normalise_field("last", last, tenant.country)
    else:
        for field, value in (("first", first), ("last", last)):
            if not (value.isdigit() and 2 <= len(value) <= 8):
                raise field_error(field, N_("a short number is 2 to 8 digits"))
    if len(first) != len(last):
        raise field_error("last", N_("first and last must have as many digits"))
    size = int(last.lstrip("+")) - int(first.lstrip("+")) + 1
    if size < 1:
        raise field_error("last", N_("must not come before first"))
    if size > MAX_SERIES_SIZE:
        raise field_error("last", N_("a series holds at most {n} numbers"), n=MAX_SERIES_SIZE)
    return first, last


def _overlapping(kind: str, first: str, last: str):
    return and_(NumberSeries.kind == kind, func.length(NumberSeries.first) == len(first),
                NumberSeries.first <= last, NumberSeries.last >= first)


def create_series(db: Session, tenant: Tenant, data: dict[str, Any]) -> NumberSeries:
    """Add a range the company owns; public ranges belong to one company only."""
    kind = data["kind"]
    first, last = _bounds(tenant, kind, data["first"], data["last"])
    if db.scalar(select(func.count(NumberSeries.id)).where(
            NumberSeries.tenant_id == tenant.id)) >= MAX_SERIES_PER_TENANT:
        raise Conflict(N_("A company has at most {n} number series"),
                       values={"n": MAX_SERIES_PER_TENANT})
    overlap = _overlapping(kind, first, last)
    if db.scalar(select(NumberSeries.id).where(overlap, NumberSeries.tenant_id == tenant.id)
                 .limit(1)) is not None:
        raise Conflict(N_("The range overlaps one of the company's series"),
                       extra={"field": "first"})
    if kind == "public" and (
            db.scalar(select(NumberSeries.id).where(overlap, NumberSeries.tenant_id != tenant.id)
                      .limit(1)) is not None
            or db.scalar(select(NumberEntry.id).where(
                NumberEntry.e164.between(first, last), func.length(NumberEntry.e164) == len(first),
                NumberEntry.tenant_id != tenant.id).limit(1)) is not None):
        raise Conflict(N_("The range includes numbers that are taken"), extra={"field": "first"})
    row = NumberSeries(tenant_id=tenant.id, kind=kind, first=first, last=last,
                       label=data.get("label") or "")
    db.add(row)
    db.flush()
    return row


def free_numbers(db: Session, tenant_id: int, series_id: int | None, limit: int) -> list[dict]:
    """The first `limit` numbers of the company's series that nothing owns yet."""
    from ..availability.models import Profile

    out: list[dict] = []
    for s in list_series(db, tenant_id):
        if series_id is not None and s.id != series_id:
            continue
        column = NumberEntry.e164 if s.kind == "public" else NumberEntry.short
        where = [column.between(s.first, s.last), func.length(column) == len(s.first)]
        if s.kind == "short":
            where.append(NumberEntry.tenant_id == tenant_id)
            codes = set(db.scalars(select(Profile.activation_code).where(
                Profile.tenant_id == tenant_id, Profile.activation_code.between(s.first, s.last))))
        else:
            codes = set()
        taken = set(db.scalars(select(column).where(*where))) | codes
        prefix, width = ("+", len(s.first) - 1) if s.kind == "public" else ("", len(s.first))
        for n in range(int(s.first.lstrip("+")), int(s.last.lstrip("+")) + 1):
            number = prefix + str(n).zfill(width)
            if number not in taken:
                out.append({"number": number, "form": s.kind, "series_id": s.id})
                if len(out) >= limit:
                    return out
    return out
