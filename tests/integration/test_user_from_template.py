"""An administrator creates a user from another as a template: profiles, queues and device
switches come along; numbers and password never do."""
from __future__ import annotations

from sqlalchemy import select

from api.accounts.models import User
from tests.support.api import auth, make_company


def _by_key(client, h, user_id) -> dict:
    rows = client.get(f"/api/v1/users/{user_id}/profiles", headers=h).get_json()
    return {p["key"] or p["name"]: p for p in rows}


def test_a_user_made_from_a_template_routes_and_queues_like_it_but_keeps_their_own_numbers(
        app, db, client):
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    bob = db.scalar(select(User).where(User.mobile == company.users["bob"]))
    admin = auth(client, company.admin_mobile)
    lunch = _by_key(client, admin, alice.id)["lunch"]
    assert client.patch(f"/api/v1/users/{alice.id}/profiles/{lunch['id']}", headers=admin, json={
        "when_free": {"kind": "colleague", "target": str(bob.id)},
        "display_numbers": {"mobile": alice.office_number}}).status_code == 200
    assert client.post(f"/api/v1/users/{alice.id}/profiles", headers=admin, json={
        "name": "Customer visit", "when_free": {"kind": "voicemail"}}).status_code == 201
    queue = client.post("/api/v1/queues", headers=admin, json={"name": "Support"}).get_json()
    assert client.put(f"/api/v1/queues/{queue['id']}/members/{alice.id}", headers=admin,
                      json={"priority": 3}).status_code in (200, 201)
    [mobile] = client.get(f"/api/v1/users/{alice.id}/devices", headers=admin).get_json()
    client.patch(f"/api/v1/devices/{mobile['id']}", headers=admin, json={"mex": False})

    r = client.post(f"/api/v1/users/{alice.id}/copy", headers=admin, json={
        "mobile": "+4791999002", "first_name": "Carl", "last_name": "Dahl"})
    assert r.status_code == 201, r.get_json()
    carl = r.get_json()
    assert carl["mobile"] == "+4791999002" and carl["office_number"] is None
    assert carl["title"] == alice.title and carl["role"]["id"] == alice.role_id
    profiles = _by_key(client, admin, carl["id"])
    assert profiles["lunch"]["when_free"] == {"kind": "colleague", "target": str(bob.id)}
    assert profiles["lunch"]["display_numbers"] == {}
    assert profiles["Customer visit"]["when_free"]["kind"] == "voicemail"
    members = client.get(f"/api/v1/queues/{queue['id']}/members", headers=admin).get_json()
    assert {(m["user_id"], m["priority"]) for m in members} == {(alice.id, 3), (carl["id"], 3)}
    [carls_mobile] = client.get(f"/api/v1/users/{carl['id']}/devices", headers=admin).get_json()
    assert (carls_mobile["number"], carls_mobile["mex"]) == ("+4791999002", False)
    [event] = client.get("/api/v1/audit-events", headers=admin, query_string={
        "object_type": "user", "object_id": carl["id"]}).get_json()
    assert event["detail"]["template_user_id"] == alice.id


def test_another_companys_user_is_no_template_and_nobody_is_created(app, db, client):
    ours, theirs = make_company(app), make_company(app)
    stranger = db.scalar(select(User).where(User.mobile == theirs.users["alice"]))
    admin = auth(client, ours.admin_mobile)
    r = client.post(f"/api/v1/users/{stranger.id}/copy", headers=admin, json={
        "mobile": "+4791999003", "first_name": "Eve"})
    assert r.status_code == 404 and r.content_type == "application/problem+json"
    assert db.scalar(select(User).where(User.mobile == "+4791999003")) is None


def test_a_copy_with_a_number_someone_holds_is_a_conflict_and_nobody_is_created(
        app, db, client):
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    admin = auth(client, company.admin_mobile)
    before = len(client.get("/api/v1/users", headers=admin).get_json())
    r = client.post(f"/api/v1/users/{alice.id}/copy", headers=admin, json={
        "mobile": company.users["bob"], "first_name": "Twin"})
    assert r.status_code == 409, r.get_json()
    assert len(client.get("/api/v1/users", headers=admin).get_json()) == before
