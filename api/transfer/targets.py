"""The transfer screen in one request: favourites first, then directory matches, then queues.

Everything is read through the other features' service functions (favourites, directory,
queue status); this module only shapes it for the screen and says, for each entry, the body
to POST to transfer to it.
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.orm import Session

from ..callerid import directory, favourites
from ..calls.services import my_calls
from ..queues.status import my_queues


def _body(kind: str, target_id: int | None, number: str | None) -> dict | None:
    if kind in ("colleague", "queue", "main_number") and target_id is not None:
        return {"target": {"kind": kind, "id": target_id}}
    if number:
        return {"target": {"kind": "external", "number": number}}
    return None


def _queue_live(availability: dict | None) -> dict:
    live = availability or {}
    return {"calls_waiting": live.get("calls_waiting"),
            "members_logged_in": live.get("logged_in")}


def _favourite(f: dict) -> dict | None:
    kind = f["kind"]
    target_id = f["target_id"] if kind in ("colleague", "queue", "main_number") else None
    body = _body(kind, target_id, f.get("number"))
    if body is None:
        return None
    entry = {"kind": kind, "id": target_id, "favourite_id": f["id"],
             "name": f.get("label") or f.get("name"), "number": f.get("number"),
             "availability": f.get("availability") if kind == "colleague" else None,
             "in_call": f.get("in_call"), "transfer": body}
    if kind == "queue":
        entry.update(_queue_live(f.get("availability")))
    return entry


def _match(e: dict, me: int) -> dict | None:
    numbers = e.get("numbers") or []
    office = next((n["number"] for n in numbers if n.get("label") == "office"), None)
    number = office or (numbers[0]["number"] if numbers else None)
    target_id = e["id"] if e["kind"] == "colleague" else None
    if target_id == me:
        return None
    body = _body(e["kind"], target_id, number)
    if body is None:
        return None
    return {"kind": e["kind"], "id": target_id, "favourite_id": None, "name": e["name"],
            "number": number, "availability": e.get("availability"),
            "in_call": e.get("in_call"), "transfer": body}


def screen(db: Session, tenant_id: int, user_id: int, q: str | None, limit: int,
           default_method: str) -> dict:
    favs = [x for x in map(_favourite, favourites.list_favourites(db, tenant_id, user_id)) if x]
    if q:
        needle = q.strip().lower()
        favs = [f for f in favs if needle in (f["name"] or "").lower()
                or needle in (f["number"] or "")]
    taken = {(f["kind"], f["id"] if f["id"] is not None else f["number"]) for f in favs}
    page = SimpleNamespace(page=1, page_size=limit, item_count=None)
    matches = []
    for e in directory.search(db, tenant_id, q, None, page):
        entry = _match(e, user_id)
        if entry and (entry["kind"], entry["id"] if entry["id"] is not None
                      else entry["number"]) not in taken:
            matches.append(entry)
    queues = []
    for qu in my_queues(db, tenant_id, user_id):
        if q and q.strip().lower() not in qu["name"].lower():
            continue
        queues.append({"kind": "queue", "id": qu["id"], "favourite_id": None, "name": qu["name"],
                       "number": qu["number"], "availability": None, "in_call": None,
                       "transfer": _body("queue", qu["id"], None), **_queue_live(qu)})
    calls = list(db.scalars(my_calls(tenant_id, user_id)))
    return {"default_method": default_method, "calls": calls,
            "favourites": favs, "matches": matches, "queues": queues}
