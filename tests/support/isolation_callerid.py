"""Isolation walk provider for who's calling: contacts, sources, favourites, call log."""
from __future__ import annotations

from api.callerid import services


def provide(client, headers: dict, company) -> dict:
    contact = client.post("/api/v1/directory/contacts", headers=headers, json={
        "name": "Alpha Marker Contact", "numbers": [{"number": "+4722990011"}]}).get_json()
    mine = client.post("/api/v1/me/contacts", headers=headers, json={
        "name": "Alpha Marker Friend", "numbers": [{"number": "+4741990011"}]}).get_json()
    source = client.post("/api/v1/directory/sources", headers=headers, json={
        "name": "Alpha Marker Register", "kind": "register"}).get_json()
    fav = client.post("/api/v1/me/favourites", headers=headers, json={
        "kind": "contact", "target_id": contact["id"]}).get_json()
    me = client.get("/api/v1/me", headers=headers).get_json()
    with client.application.extensions["session_factory"]() as db:
        entry_id = services.record_call(db, company.tenant_id, me["id"], direction="incoming",
                                        status="missed", other_number="+4722990011")
    return {
        "ids": {"contact_id": contact["id"], "personal_contact_id": mine["id"],
                "source_id": source["id"], "favourite_id": fav["id"], "entry_id": entry_id},
        "bodies": {
            ("PATCH", "/api/v1/directory/contacts/<int:contact_id>"): {"name": "Hacked"},
            ("PATCH", "/api/v1/me/contacts/<int:personal_contact_id>"): {"name": "Hacked"},
            ("PATCH", "/api/v1/directory/sources/<int:source_id>"): {"name": "Hacked"},
            ("PUT", "/api/v1/directory/sources/<int:source_id>/entries"): {
                "format": "csv", "data": "name,number\nHacked,+4722334455\n"},
            ("PATCH", "/api/v1/me/favourites/<int:favourite_id>"): {"label": "Hacked"},
            ("PATCH", "/api/v1/me/call-log/<int:entry_id>"): {"handled": True},
        },
    }
