"""Dates in the directory, favourites and transfer screen are ISO 8601 like the rest of the
API; a directory search for a LIKE wildcard finds only what contains that character."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.support.api import auth, make_company


def _until_of(entries, name_prefix):
    [found] = [e for e in entries if (e.get("name") or "").startswith(name_prefix)]
    return found["availability"]["until"]


def _iso_with_offset(text) -> datetime:
    assert isinstance(text, str) and "GMT" not in text, text
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None, f"{text} has no offset"
    return parsed


def _lunch_until(client, headers, until: datetime) -> int:
    lunch = next(p for p in client.get("/api/v1/me/profiles", headers=headers).get_json()
                 if p["name"] == "Lunch")
    r = client.put("/api/v1/me/availability", headers=headers,
                   json={"profile_id": lunch["id"], "until": until.isoformat()})
    assert r.status_code == 200, r.get_json()
    return client.get("/api/v1/me", headers=headers).get_json()["id"]


def test_a_colleagues_until_is_iso_8601_with_offset_on_every_screen(app, client):
    c = make_company(app, extra_users=("alice", "bob", "carol"))
    alice, bob, carol = (auth(client, c.users[n]) for n in ("alice", "bob", "carol"))
    until = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(microsecond=0)
    alice_id = _lunch_until(client, alice, until)
    _lunch_until(client, carol, until)
    assert client.post("/api/v1/me/favourites", headers=bob,
                       json={"kind": "colleague", "target_id": alice_id}).status_code == 201

    directory = client.get("/api/v1/directory?kind=colleague", headers=bob).get_json()
    favourites = client.get("/api/v1/me/favourites", headers=bob).get_json()
    screen = client.get("/api/v1/me/transfer-targets", headers=bob).get_json()
    found = client.get("/api/v1/me/transfer-targets?q=carol", headers=bob).get_json()
    for shown in (_until_of(directory, "Alice"), _until_of(directory, "Carol"),
                  _until_of(favourites, "Alice"), _until_of(screen["favourites"], "Alice"),
                  _until_of(found["matches"], "Carol")):
        assert _iso_with_offset(shown) == until


def test_directory_search_for_a_wildcard_character_finds_only_names_containing_it(app, client):
    c = make_company(app, extra_users=("alice", "bob"))
    admin = auth(client, c.admin_mobile)
    for name in ("Fjord AS", "Hundred % Media", "Snake_Case Consulting"):
        assert client.post("/api/v1/directory/contacts", headers=admin,
                           json={"name": name}).status_code == 201
    names = lambda q: [e["name"] for e in client.get(  # noqa: E731
        "/api/v1/directory", headers=admin, query_string={"q": q}).get_json()]
    assert names("%") == ["Hundred % Media"]
    assert names("_") == ["Snake_Case Consulting"]
    assert names("e_c") == ["Snake_Case Consulting"]
    assert names("d %") == ["Hundred % Media"]
    assert names("/") == []
    users = [u["first_name"] for u in client.get(
        "/api/v1/users", headers=admin, query_string={"q": "%"}).get_json()]
    assert users == []
