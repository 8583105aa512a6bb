"""The company directory: colleagues and shared contacts in one searchable, paged list."""
from __future__ import annotations

from sqlalchemy import String, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from ..core.db import has_text
from ..core.ports import ports
from ..core.pagination import paginate_select
from .contacts import contact_matches
from .models import Contact


def live_status(db: Session, tenant_id: int, user_ids: list[int]) -> dict[int, dict]:
    """Colleagues' availability and in-call state, from whichever features provide them."""
    if not user_ids:
        return {}
    presence = ports(db).presence(db, tenant_id, user_ids)
    in_call = ports(db).in_call_user_ids(db, tenant_id, user_ids)
    return {uid: {"availability": presence.get(uid), "in_call": uid in in_call}
            for uid in user_ids}


def colleague_entry(user, status: dict | None) -> dict:
    status = status or {}
    return {"kind": "colleague", "id": user.id, "name": user.full_name,
            "first_name": user.first_name, "last_name": user.last_name, "company": None,
            "title": user.title, "department": user.department, "email": user.email,
            "tags": user.tags or [], "short_number": user.short_number,
            "numbers": [{"label": label, "number": n} for label, n in
                        (("mobile", user.mobile), ("office", user.office_number)) if n],
            "availability": status.get("availability"), "in_call": status.get("in_call")}


def contact_entry(contact: Contact) -> dict:
    return {"kind": "contact", "id": contact.id, "name": contact.name, "first_name": None,
            "last_name": None, "company": contact.company, "title": contact.title,
            "department": contact.department, "email": contact.email,
            "tags": contact.tags or [], "short_number": None, "numbers": contact.numbers or [],
            "availability": None, "in_call": None}


def _colleague_keys(db: Session, tenant_id: int, q: str | None):
    from ..accounts.admin import search_users
    from ..accounts.models import User

    stmt = select((literal("u:") + cast(User.id, String)).label("k"),
                  func.lower(User.first_name + " " + User.last_name).label("sort")
                  ).where(User.tenant_id == tenant_id, User.hidden_from_directory.is_(False))
    if q:
        matching = search_users(db, tenant_id, q).with_only_columns(User.id).order_by(None)
        stmt = stmt.where(or_(User.id.in_(matching),
                              has_text(func.lower(cast(User.tags, String)), q.strip().lower())))
    return stmt


def _contact_keys(tenant_id: int, q: str | None):
    stmt = select((literal("c:") + cast(Contact.id, String)).label("k"),
                  func.lower(Contact.name).label("sort")
                  ).where(Contact.tenant_id == tenant_id, Contact.owner_user_id.is_(None))
    return stmt.where(contact_matches(q)) if q else stmt


def search(db: Session, tenant_id: int, q: str | None, kind: str | None, pagination) -> list:
    """One page of colleagues and company contacts matching `q`, sorted by name."""
    parts = []
    if kind in (None, "colleague"):
        parts.append(_colleague_keys(db, tenant_id, q))
    if kind in (None, "contact"):
        parts.append(_contact_keys(tenant_id, q))
    both = union_all(*parts).subquery()
    keys = paginate_select(db, select(both.c.k).order_by(both.c.sort, both.c.k), pagination)
    return entries_for_keys(db, tenant_id, keys)


def entries_for_keys(db: Session, tenant_id: int, keys: list[str]) -> list[dict]:
    from ..accounts.models import User

    user_ids = [int(k[2:]) for k in keys if k.startswith("u:")]
    contact_ids = [int(k[2:]) for k in keys if k.startswith("c:")]
    users = {u.id: u for u in db.scalars(select(User).where(User.tenant_id == tenant_id,
                                                            User.id.in_(user_ids)))}
    contacts = {c.id: c for c in db.scalars(select(Contact).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(contact_ids)))}
    status = live_status(db, tenant_id, user_ids)
    out = []
    for k in keys:
        obj_id = int(k[2:])
        if k.startswith("u:") and obj_id in users:
            out.append(colleague_entry(users[obj_id], status.get(obj_id)))
        elif obj_id in contacts:
            out.append(contact_entry(contacts[obj_id]))
    return out
