"""Use cases for shared company contacts and personal contacts (CRUD and import)."""
from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.db import has_text
from ..core.errors import FieldInvalid, field_error
from ..core.not_found import not_found
from ..core.phone import InvalidNumber, normalise_field, to_e164
from . import importers, index
from .models import Contact, DirectoryNumber

MAX_IMPORT = 20_000
FIELDS = ("name", "company", "title", "department", "email", "note", "tags")


def _numbers(raw: list[dict], region: str) -> list[dict]:
    out = []
    for i, n in enumerate(raw):
        e164 = normalise_field(f"numbers.{i}.number", n.get("number"), region)
        if e164:
            out.append({"label": n.get("label") or None, "number": e164})
    return out


def get_contact(db: Session, tenant_id: int, contact_id: int, owner_user_id: int | None
                ) -> Contact:
    """A company contact (owner None) or one of the user's own; anything else is not found."""
    owner = Contact.owner_user_id.is_(None) if owner_user_id is None else \
        Contact.owner_user_id == owner_user_id
    contact = db.scalar(select(Contact).where(Contact.id == contact_id,
                                              Contact.tenant_id == tenant_id, owner))
    if contact is None:
        raise not_found("contact", contact_id)
    return contact


def create_contact(db: Session, tenant, data: dict[str, Any], owner_user_id: int | None = None
                   ) -> Contact:
    contact = Contact(tenant_id=tenant.id, owner_user_id=owner_user_id,
                      **{k: data.get(k) for k in FIELDS if k in data},
                      numbers=_numbers(data.get("numbers") or [], tenant.country))
    db.add(contact)
    db.flush()
    index.index_contact(db, contact)
    db.commit()
    return contact


def update_contact(db: Session, tenant, contact: Contact, data: dict[str, Any]) -> Contact:
    for key in FIELDS:
        if key in data:
            setattr(contact, key, data[key])
    if "numbers" in data:
        contact.numbers = _numbers(data["numbers"] or [], tenant.country)
    db.flush()
    index.index_contact(db, contact)
    db.commit()
    return contact


def delete_contact(db: Session, contact: Contact) -> None:
    index.unindex_contact(db, contact)
    db.delete(contact)
    db.commit()


def search_contacts(tenant_id: int, owner_user_id: int | None, q: str | None) -> Select:
    owner = Contact.owner_user_id.is_(None) if owner_user_id is None else \
        Contact.owner_user_id == owner_user_id
    stmt = select(Contact).where(Contact.tenant_id == tenant_id, owner)
    if q:
        stmt = stmt.where(contact_matches(q))
    return stmt.order_by(func.lower(Contact.name), Contact.id)


def contact_matches(q: str):
    """Name, company, title, department, tag, or any part of one of the numbers."""
    words = q.strip().lower()  # % and _ are letters here, not wildcards
    digits = "".join(c for c in q if c.isdigit())
    conds = [has_text(func.lower(Contact.name), words),
             has_text(func.lower(func.coalesce(Contact.company, "")), words),
             has_text(func.lower(func.coalesce(Contact.title, "")), words),
             has_text(func.lower(func.coalesce(Contact.department, "")), words),
             has_text(func.lower(cast(Contact.tags, String)), words)]
    if digits:
        conds.append(Contact.id.in_(select(DirectoryNumber.owner_id).where(
            DirectoryNumber.tenant_id == Contact.tenant_id,
            DirectoryNumber.kind.in_(("contact", "personal")),
            DirectoryNumber.e164.like(f"%{digits}%"))))
    return or_(*conds)


def read_records(fmt: str, text: str, limit: int | None = MAX_IMPORT + 1):
    try:
        return list(itertools.islice(importers.READERS[fmt](text.replace("\x00", "")), limit))
    except importers.ImportError_ as exc:
        raise FieldInvalid("data", [str(exc)])


def clean_record_numbers(rec: dict, region: str) -> tuple[list[dict], list[str]]:
    """Normalised numbers of an imported record, and the ones that could not be read."""
    good, bad = [], []
    for label, raw in rec.get("numbers", []):
        try:
            e164 = to_e164(raw, region)
        except InvalidNumber:
            bad.append(raw)
            continue
        if e164 not in {g["number"] for g in good}:
            good.append({"label": label, "number": e164})
    return good, bad


def import_contacts(db: Session, tenant, fmt: str, text: str, owner_user_id: int | None
                    ) -> dict:
    """Create a contact per record; records without a name or a readable number are skipped."""
    records = read_records(fmt, text)
    if len(records) > MAX_IMPORT:
        raise field_error("data", N_("at most {n} contacts per import"), n=MAX_IMPORT)
    created, skipped = 0, []
    for line, rec in records:
        numbers, bad = clean_record_numbers(rec, tenant.country)
        if not rec.get("name"):
            skipped.append({"line": line, "reason": "no name"})
            continue
        if not numbers:
            skipped.append({"line": line, "reason": "no valid number" + (
                f" ({', '.join(bad)[:100]})" if bad else "")})
            continue
        contact = Contact(tenant_id=tenant.id, owner_user_id=owner_user_id,
                          name=rec["name"][:200], numbers=numbers, tags=rec.get("tags", [])[:50],
                          **{k: (rec.get(k) or None) and rec[k][:120]
                             for k in ("company", "title", "department")},
                          email=(rec.get("email") or None) and rec["email"][:254],
                          note=rec.get("note"))
        db.add(contact)
        db.flush()
        index.index_contact(db, contact)
        created += 1
    db.commit()
    return {"created": created, "skipped": skipped}
