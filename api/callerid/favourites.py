"""A user's ordered favourites: colleagues, contacts, external numbers, queues, main numbers.

Queues and main numbers belong to other features: they answer the `favourite_target` question
(`ports(db).favourite_target(db, tenant_id, kind, target_id)` -> {name, number?,
availability?} or None). Without a provider such favourites cannot be added.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.ports import ports
from ..core.errors import Conflict, NotFound, field_error
from ..core.not_found import not_found
from ..core.phone import normalise_field
from .directory import colleague_entry, contact_entry, live_status
from .models import Contact, Favourite

KINDS = ("colleague", "contact", "external", "queue", "main_number")
PROVIDED = ("queue", "main_number")


def _mine(db: Session, tenant_id: int, user_id: int) -> list[Favourite]:
    return list(db.scalars(select(Favourite).where(Favourite.tenant_id == tenant_id,
                                                   Favourite.user_id == user_id)
                           .order_by(Favourite.position, Favourite.id)))


def _contacts(db: Session, tenant_id: int, user_id: int, ids: list[int]) -> dict[int, Contact]:
    if not ids:
        return {}
    rows = db.scalars(select(Contact).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(ids),
        (Contact.owner_user_id.is_(None)) | (Contact.owner_user_id == user_id)))
    return {c.id: c for c in rows}


def _users(db: Session, tenant_id: int, ids: list[int]) -> dict:
    from ..accounts.models import User

    if not ids:
        return {}
    return {u.id: u for u in db.scalars(select(User).where(User.tenant_id == tenant_id,
                                                           User.id.in_(ids)))}


def list_favourites(db: Session, tenant_id: int, user_id: int) -> list[dict]:
    """Resolved, in order; favourites whose target no longer exists are left out."""
    favs = _mine(db, tenant_id, user_id)
    user_ids = [f.target_id for f in favs if f.kind == "colleague"]
    users = _users(db, tenant_id, user_ids)
    contacts = _contacts(db, tenant_id, user_id,
                         [f.target_id for f in favs if f.kind == "contact"])
    status = live_status(db, tenant_id, list(users))
    out = []
    for f in favs:
        target = _resolve(db, tenant_id, f, users, contacts, status)
        if target is not None:
            out.append({"id": f.id, "position": f.position, "kind": f.kind,
                        "target_id": f.target_id, "label": f.label, **target})
    return out


def _resolve(db, tenant_id, f: Favourite, users, contacts, status) -> dict | None:
    if f.kind == "colleague":
        u = users.get(f.target_id)
        return None if u is None else _pick(colleague_entry(u, status.get(u.id)))
    if f.kind == "contact":
        c = contacts.get(f.target_id)
        return None if c is None else _pick(contact_entry(c))
    if f.kind == "external":
        return {"name": f.label or f.number, "number": f.number, "numbers": [],
                "availability": None, "in_call": None}
    found = ports(db).favourite_target(db, tenant_id, f.kind, f.target_id)
    if not found:
        return None
    return {"name": found.get("name"), "number": found.get("number"), "numbers": [],
            "availability": found.get("availability"), "in_call": None}


def _pick(entry: dict) -> dict:
    numbers = entry["numbers"]
    return {"name": entry["name"], "number": numbers[0]["number"] if numbers else None,
            "numbers": numbers, "availability": entry["availability"],
            "in_call": entry["in_call"]}


def add(db: Session, tenant, user_id: int, data: dict) -> dict:
    kind = data["kind"]
    target_id, number = data.get("target_id"), None
    if kind == "external":
        number = normalise_field("number", data.get("number"), tenant.country)
        if number is None:
            raise field_error("number", N_("an external favourite needs a number"))
        target_id = None
    elif target_id is None:
        raise field_error("target_id", N_("a {kind} favourite needs target_id"), kind=kind)
    elif kind == "colleague" and not _users(db, tenant.id, [target_id]):
        raise NotFound(N_("No colleague with id {id}"), values={"id": target_id})
    elif kind == "contact" and not _contacts(db, tenant.id, user_id, [target_id]):
        raise NotFound(N_("No contact with id {id}"), values={"id": target_id})
    elif kind in PROVIDED and not ports(db).favourite_target(db, tenant.id, kind, target_id):
        raise not_found(kind.replace('_', ' '), target_id)
    favs = _mine(db, tenant.id, user_id)
    if any(f.kind == kind and f.target_id == target_id and f.number == number for f in favs):
        raise Conflict(N_("That is already a favourite"))
    if len(favs) >= 200:
        raise Conflict(N_("At most {n} favourites"), values={"n": 200})
    top = db.scalar(select(func.max(Favourite.position)).where(Favourite.user_id == user_id))
    fav = Favourite(tenant_id=tenant.id, user_id=user_id, kind=kind, target_id=target_id,
                    number=number, label=data.get("label"),
                    position=(top if top is not None else -1) + 1)
    db.add(fav)
    db.commit()
    return next(f for f in list_favourites(db, tenant.id, user_id) if f["id"] == fav.id)


def _get(db: Session, tenant_id: int, user_id: int, favourite_id: int) -> Favourite:
    fav = db.scalar(select(Favourite).where(Favourite.id == favourite_id,
                                            Favourite.tenant_id == tenant_id,
                                            Favourite.user_id == user_id))
    if fav is None:
        raise NotFound(N_("No favourite with id {id}"), values={"id": favourite_id})
    return fav


def rename(db: Session, tenant_id: int, user_id: int, favourite_id: int, label: str | None
           ) -> dict:
    fav = _get(db, tenant_id, user_id, favourite_id)
    fav.label = label
    db.commit()
    found = [f for f in list_favourites(db, tenant_id, user_id) if f["id"] == fav.id]
    if not found:
        raise NotFound(N_("The target of favourite {id} no longer exists"),
                       values={"id": favourite_id})
    return found[0]


def remove(db: Session, tenant_id: int, user_id: int, favourite_id: int) -> None:
    db.delete(_get(db, tenant_id, user_id, favourite_id))
    db.commit()


def reorder(db: Session, tenant_id: int, user_id: int, ids: list[int]) -> list[dict]:
    """Put the favourites in the order given; the list must name each favourite once."""
    favs = {f.id: f for f in _mine(db, tenant_id, user_id)}
    if sorted(ids) != sorted(favs):
        raise field_error("ids", N_("must list every one of your favourites exactly once"))
    for position, fav_id in enumerate(ids):
        favs[fav_id].position = position
    db.commit()
    return list_favourites(db, tenant_id, user_id)
