"""The number index: every colleague's, contact's and register entry's number, normalised.

Lookup reads one row of `directory_numbers`; the phone's call directory syncs from
`directory_changes`. Colleagues are kept in step by mapper events on the user model, so every
way of creating, editing or deleting a user (API, CLI, demo seeding) updates the index.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import delete, event, insert, inspect, select

from .models import Contact, DirectoryChange, DirectoryNumber

RANK = {"colleague": 0, "contact": 10, "personal": 20}
EXTERNAL_RANK = 100  # + the source's position
USER_FIELDS = ("first_name", "last_name", "title", "department", "mobile", "office_number")


def as_int(e164: str) -> int:
    """E.164 as the phone's call directory wants it: the digits as one integer."""
    return int(e164.lstrip("+"))


def _rows(tenant_id: int, kind: str, owner_id: int, owner_user_id: int | None, display: dict,
          numbers: Iterable[tuple[str | None, str]], rank: int) -> list[dict]:
    seen, rows = set(), []
    for label, e164 in numbers:
        if not e164 or e164 in seen:
            continue
        seen.add(e164)
        rows.append({"tenant_id": tenant_id, "num": as_int(e164), "e164": e164, "kind": kind,
                     "rank": rank, "owner_id": owner_id, "owner_user_id": owner_user_id,
                     "label": (label or None) and label[:40], "name": display["name"][:200],
                     "company": display.get("company"), "title": display.get("title"),
                     "department": display.get("department"),
                     "address": display.get("address")})
    return rows


def reindex(conn, tenant_id: int, kind: str, owner_id: int, owner_user_id: int | None,
            display: dict | None, numbers: Iterable[tuple[str | None, str]]) -> None:
    """Replace the owner's numbers (display None: remove them) and log what changed."""
    where = (DirectoryNumber.tenant_id == tenant_id, DirectoryNumber.kind == kind,
             DirectoryNumber.owner_id == owner_id)
    old = set(conn.execute(select(DirectoryNumber.num).where(*where)).scalars())
    conn.execute(delete(DirectoryNumber).where(*where))
    rows = [] if display is None else _rows(tenant_id, kind, owner_id, owner_user_id, display,
                                            numbers, RANK[kind])
    if rows:
        conn.execute(insert(DirectoryNumber), rows)
    touched = old | {r["num"] for r in rows}
    if touched:
        conn.execute(insert(DirectoryChange), [
            {"tenant_id": tenant_id, "owner_user_id": owner_user_id, "num": n} for n in touched])


def index_contact(conn, contact: Contact) -> None:
    kind = "personal" if contact.owner_user_id else "contact"
    reindex(conn, contact.tenant_id, kind, contact.id, contact.owner_user_id,
            {"name": contact.name, "company": contact.company, "title": contact.title,
             "department": contact.department},
            [(n.get("label"), n["number"]) for n in contact.numbers or []])


def unindex_contact(conn, contact: Contact) -> None:
    kind = "personal" if contact.owner_user_id else "contact"
    reindex(conn, contact.tenant_id, kind, contact.id, contact.owner_user_id, None, [])


def index_register(conn, tenant_id: int, source_id: int, position: int,
                   entries: list[dict]) -> int:
    """Replace a register source's entries (external numbers are not in the call directory)."""
    conn.execute(delete(DirectoryNumber).where(DirectoryNumber.tenant_id == tenant_id,
                                               DirectoryNumber.kind == "external",
                                               DirectoryNumber.owner_id == source_id))
    rows = []
    for entry in entries:
        rows += _rows(tenant_id, "external", source_id, None, entry,
                      [(None, n) for n in entry["numbers"]], EXTERNAL_RANK + position)
    for i in range(0, len(rows), 5000):
        conn.execute(insert(DirectoryNumber), rows[i:i + 5000])
    return len(rows)


# -- colleagues: follow the user model ----------------------------------------------------

def _user_numbers(user) -> list[tuple[str, str]]:
    return [("mobile", user.mobile), ("office", user.office_number)]


def _user_display(user) -> dict:
    return {"name": user.full_name, "title": user.title, "department": user.department}


def _after_insert(_mapper, conn, user) -> None:
    reindex(conn, user.tenant_id, "colleague", user.id, None, _user_display(user),
            _user_numbers(user))


def _after_update(_mapper, conn, user) -> None:
    state = inspect(user)
    if any(state.attrs[f].history.has_changes() for f in USER_FIELDS):
        _after_insert(_mapper, conn, user)


def _after_delete(_mapper, conn, user) -> None:
    reindex(conn, user.tenant_id, "colleague", user.id, None, None, [])


def follow_users() -> None:
    from ..accounts.models import User

    for name, fn in (("after_insert", _after_insert), ("after_update", _after_update),
                     ("after_delete", _after_delete)):
        if not event.contains(User, name, fn):
            event.listen(User, name, fn)
