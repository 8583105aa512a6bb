"""Who's calling over HTTP: directory, contacts, imports, lookup, favourites, call directory."""
from __future__ import annotations

import pytest

from tests.support.api import auth, make_company
from tests.support.ports import answering

VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:Kari Nordmann
N:Nordmann;Kari;;;
ORG:Nordmann Bakeri AS;Sales
TITLE:Owner
TEL;TYPE=CELL:+47 412 34 567
TEL;TYPE=WORK:22 11 22 33
CATEGORIES:customer,vip
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:No Number
END:VCARD
"""


@pytest.fixture(autouse=True)
def _no_live_status(app, monkeypatch):
    """Availability and call state come from other features; each test says what they answer
    (here: nothing is known of anyone)."""
    answering(monkeypatch, app, presence=lambda _db, _t, ids: {},
              in_call_user_ids=lambda _db, _t, ids: set(),
              queue_target=lambda _db, _t, tid: None, main_number_target=lambda _db, _t, tid: None)


@pytest.fixture
def co(app, client):
    c = make_company(app)
    c.admin = auth(client, c.admin_mobile)
    c.alice = auth(client, c.users["alice"])
    c.bob = auth(client, c.users["bob"])
    return c


def _post_contact(client, headers, name, *numbers, path="/api/v1/directory/contacts", **extra):
    r = client.post(path, headers=headers, json={
        "name": name, "numbers": [{"number": n, "label": "work"} for n in numbers], **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _names(resp):
    assert resp.status_code == 200, resp.get_json()
    return [e["name"] for e in resp.get_json()]


def test_directory_lists_colleagues_and_company_contacts_and_searches_every_field(client, co):
    _post_contact(client, co.admin, "Fjord Shipping", "22334455", company="Fjord AS",
                  department="Logistics", tags=["customer"])
    everyone = client.get("/api/v1/directory", headers=co.alice)
    assert len(everyone.get_json()) == 4  # admin, alice, bob and the contact
    get = lambda q: _names(client.get(f"/api/v1/directory?q={q}", headers=co.alice))  # noqa: E731
    assert get("fjord") == ["Fjord Shipping"]
    assert get("logist") == ["Fjord Shipping"]
    assert get("CUSTOMER") == ["Fjord Shipping"]
    assert get("3344") == ["Fjord Shipping"]
    assert [n.split()[0] for n in get("engineer")] == ["Alice", "Bob"]
    assert [n.split()[0] for n in get(co.users["bob"][-7:])] == ["Bob"]
    assert _names(client.get("/api/v1/directory?kind=contact", headers=co.alice)) == \
        ["Fjord Shipping"]


def test_directory_pages_and_shows_live_availability_when_provided(app, client, co, monkeypatch):
    answering(monkeypatch, app, presence=lambda _db, _t, ids: {
        i: {"name": "In a meeting", "colour": "#f00", "until": "13:00"} for i in ids})
    r = client.get("/api/v1/directory?kind=colleague&page=1&page_size=2", headers=co.alice)
    assert len(r.get_json()) == 2
    assert '"total": 3' in r.headers["X-Pagination"]
    entry = r.get_json()[0]
    assert entry["availability"]["name"] == "In a meeting" and entry["in_call"] is False


def test_a_colleague_with_no_known_availability_shows_none_and_not_in_a_call(client, co):
    entry = client.get("/api/v1/directory?kind=colleague", headers=co.alice).get_json()[0]
    assert entry["availability"] is None and entry["in_call"] is False


def test_only_directory_managers_change_company_contacts(client, co):
    r = client.post("/api/v1/directory/contacts", headers=co.alice, json={"name": "X"})
    assert r.status_code == 403
    c = _post_contact(client, co.admin, "Fjord", "+4722334455")
    assert client.get(f"/api/v1/directory/contacts/{c['id']}", headers=co.alice).status_code == 200
    assert client.patch(f"/api/v1/directory/contacts/{c['id']}", headers=co.alice,
                        json={"name": "Y"}).status_code == 403
    r = client.patch(f"/api/v1/directory/contacts/{c['id']}", headers=co.admin,
                     json={"numbers": [{"number": "0047 41 23 45 67"}]})
    assert r.get_json()["numbers"] == [{"label": None, "number": "+4741234567"}]
    hit = client.get("/api/v1/callerid/lookup?number=41234567", headers=co.alice).get_json()
    assert hit["found"] and hit["hit"]["name"] == "Fjord"
    gone = client.get("/api/v1/callerid/lookup?number=22334455", headers=co.alice).get_json()
    assert gone["found"] is False
    assert client.delete(f"/api/v1/directory/contacts/{c['id']}",
                         headers=co.admin).status_code == 204
    assert client.get("/api/v1/callerid/lookup?number=41234567",
                      headers=co.alice).get_json()["found"] is False


def test_a_contact_with_a_bad_number_is_refused_naming_the_field(client, co):
    r = client.post("/api/v1/directory/contacts", headers=co.admin,
                    json={"name": "Bad", "numbers": [{"number": "12"}]})
    assert r.status_code == 422 and "numbers.0.number" in r.get_json()["errors"]


def test_company_contacts_import_from_vcard_and_csv(client, co):
    r = client.post("/api/v1/directory/contacts/import", headers=co.admin,
                    json={"format": "vcard", "data": VCARDS})
    assert r.get_json()["created"] == 1
    assert r.get_json()["skipped"][0]["reason"].startswith("no valid number")
    kari = client.get("/api/v1/directory?q=kari", headers=co.alice).get_json()[0]
    assert (kari["company"], kari["department"], kari["title"]) == ("Nordmann Bakeri AS",
                                                                    "Sales", "Owner")
    assert {n["number"] for n in kari["numbers"]} == {"+4741234567", "+4722112233"}
    assert kari["tags"] == ["customer", "vip"]
    csv = "Name;Company;Mobile;Office;Tags\nOla Kunde;Kunde AS;909 12 345;;vip\n;Nameless;;;\n"
    r = client.post("/api/v1/directory/contacts/import", headers=co.admin,
                    json={"format": "csv", "data": csv})
    assert r.get_json()["created"] == 1 and r.get_json()["skipped"][0]["line"] == 3
    assert client.get("/api/v1/callerid/lookup?number=90912345",
                      headers=co.bob).get_json()["hit"]["name"] == "Ola Kunde"


def test_an_unreadable_import_is_a_validation_error(client, co):
    r = client.post("/api/v1/directory/contacts/import", headers=co.admin,
                    json={"format": "json", "data": "{not json"})
    assert r.status_code == 422 and r.content_type == "application/problem+json"


def test_personal_contacts_are_private_and_importable(client, co):
    mine = _post_contact(client, co.alice, "Plumber", "41234567", path="/api/v1/me/contacts")
    assert client.get(f"/api/v1/me/contacts/{mine['id']}", headers=co.bob).status_code == 404
    assert _names(client.get("/api/v1/me/contacts", headers=co.bob)) == []
    assert client.get("/api/v1/callerid/lookup?number=41234567",
                      headers=co.alice).get_json()["hit"]["source"] == "personal_contact"
    r = client.post("/api/v1/me/contacts/import", headers=co.bob,
                    json={"format": "vcard", "data": VCARDS})
    assert r.get_json()["created"] == 1
    assert _names(client.get("/api/v1/me/contacts?q=nordmann", headers=co.bob)) == \
        ["Kari Nordmann"]
    assert _names(client.get("/api/v1/directory?q=nordmann", headers=co.bob)) == []


def test_lookup_endpoint_answers_unknown_and_short_numbers(client, co):
    bob_short = client.get("/api/v1/directory?q=bob", headers=co.alice).get_json()[0][
        "short_number"]
    r = client.get(f"/api/v1/callerid/lookup?number={bob_short}", headers=co.alice).get_json()
    assert r["found"] and r["hit"]["name"].startswith("Bob")
    r = client.get("/api/v1/callerid/lookup?number=%2B4799999999", headers=co.alice).get_json()
    assert r == {"number": "+4799999999", "e164": "+4799999999", "found": False,
                 "lookup_enabled": True, "hit": None}


def test_settings_turn_push_and_lookup_off_separately(client, co):
    assert client.get("/api/v1/me/settings", headers=co.alice).get_json() == {
        "push_calls": True, "number_lookup": True}
    r = client.patch("/api/v1/me/settings", headers=co.alice, json={"number_lookup": False})
    assert r.get_json() == {"push_calls": True, "number_lookup": False}
    r = client.get(f"/api/v1/callerid/lookup?number={co.users['bob'][1:]}", headers=co.alice)
    assert r.get_json()["found"] is False and r.get_json()["lookup_enabled"] is False
    assert client.get("/api/v1/me/call-directory", headers=co.alice).get_json()["entries"] == []
    assert client.get("/api/v1/me/settings", headers=co.bob).get_json()["number_lookup"] is True


def test_favourites_are_ordered_resolved_and_only_point_at_real_targets(client, co):
    bob = client.get("/api/v1/directory?q=bob", headers=co.alice).get_json()[0]
    contact = _post_contact(client, co.admin, "Fjord", "22334455")
    add = lambda body: client.post("/api/v1/me/favourites", headers=co.alice, json=body)  # noqa
    f1 = add({"kind": "colleague", "target_id": bob["id"]}).get_json()
    f2 = add({"kind": "external", "number": "41 23 45 67", "label": "Taxi"}).get_json()
    f3 = add({"kind": "contact", "target_id": contact["id"]}).get_json()
    assert (f1["name"], f2["number"], f3["name"]) == (bob["name"], "+4741234567", "Fjord")
    assert add({"kind": "colleague", "target_id": bob["id"]}).status_code == 409
    assert add({"kind": "colleague", "target_id": 999999}).status_code == 404
    assert add({"kind": "queue", "target_id": 1}).status_code == 404  # nobody provides queues
    assert add({"kind": "external"}).status_code == 422
    r = client.put("/api/v1/me/favourites", headers=co.alice,
                   json={"ids": [f3["id"], f1["id"], f2["id"]]})
    assert [f["name"] for f in r.get_json()] == ["Fjord", bob["name"], "Taxi"]
    assert client.put("/api/v1/me/favourites", headers=co.alice,
                      json={"ids": [f1["id"]]}).status_code == 422
    assert client.patch(f"/api/v1/me/favourites/{f2['id']}", headers=co.alice,
                        json={"label": "Night taxi"}).get_json()["name"] == "Night taxi"
    assert client.delete(f"/api/v1/me/favourites/{f1['id']}", headers=co.alice).status_code == 204
    assert [f["kind"] for f in client.get("/api/v1/me/favourites",
                                          headers=co.alice).get_json()] == ["contact", "external"]
    assert client.get("/api/v1/me/favourites", headers=co.bob).get_json() == []


def test_queue_and_main_number_favourites_resolve_through_their_provider(app, client, co,
                                                                        monkeypatch):
    answering(monkeypatch, app, **{
        f"{kind}_target": lambda _db, _t, tid, kind=kind: {"name": f"{kind} {tid}",
                                                           "number": "+4722000000"}
        if tid == 5 else None for kind in ("queue", "main_number")})
    r = client.post("/api/v1/me/favourites", headers=co.alice, json={"kind": "queue",
                                                                      "target_id": 5})
    assert r.status_code == 201 and r.get_json()["name"] == "queue 5"
    assert client.post("/api/v1/me/favourites", headers=co.alice,
                       json={"kind": "main_number", "target_id": 6}).status_code == 404


def test_call_directory_is_sorted_unique_int64_with_incremental_changes_and_etag(client, co):
    full = client.get("/api/v1/me/call-directory", headers=co.alice)
    body = full.get_json()
    numbers = [e["number"] for e in body["entries"]]
    assert body["full"] is True and numbers == sorted(set(numbers)) and len(numbers) == 5
    assert all(isinstance(n, int) for n in numbers) and int(co.users["bob"][1:]) in numbers
    etag = full.headers["ETag"]
    assert client.get("/api/v1/me/call-directory", headers={
        **co.alice, "If-None-Match": etag}).status_code == 304
    c = _post_contact(client, co.admin, "Fjord", "22334455", company="Fjord AS")
    _post_contact(client, co.bob, "Bob's secret", "41234567", path="/api/v1/me/contacts")
    assert client.get("/api/v1/me/call-directory", headers={
        **co.alice, "If-None-Match": etag}).status_code == 200
    delta = client.get(f"/api/v1/me/call-directory?since={body['version']}",
                       headers=co.alice).get_json()
    assert delta["full"] is False and delta["removed"] == []
    assert delta["entries"] == [{"number": 4722334455, "label": "Fjord (Fjord AS)"}]
    client.delete(f"/api/v1/directory/contacts/{c['id']}", headers=co.admin)
    later = client.get(f"/api/v1/me/call-directory?since={delta['version']}",
                       headers=co.alice).get_json()
    assert later["entries"] == [] and later["removed"] == [4722334455]


def test_text_with_nul_characters_is_refused_not_stored(client, co):
    r = client.post("/api/v1/directory/contacts", headers=co.admin, json={"name": "a\u0000b"})
    assert r.status_code == 422 and "name" in r.get_json()["errors"]
    assert client.get("/api/v1/directory?q=a%00b", headers=co.alice).status_code == 422
