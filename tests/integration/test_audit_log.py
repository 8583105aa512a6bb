"""The audit log: administrative changes to users, roles, devices and the company are recorded
with who, what, before and after; administrators read their own company's log, filtered."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from api.accounts.models import User
from tests.support.api import auth, make_company


def _events(client, h, **filters) -> list:
    r = client.get("/api/v1/audit-events", headers=h, query_string=filters)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_creating_and_editing_a_user_is_recorded_without_their_password(app, db, client):
    company = make_company(app)
    admin = auth(client, company.admin_mobile)
    made = client.post("/api/v1/users", headers=admin, json={
        "mobile": "+4791999001", "first_name": "Anna", "last_name": "Berg",
        "password": "a long secret phrase 42"})
    assert made.status_code == 201, made.get_json()
    uid = made.get_json()["id"]
    assert client.patch(f"/api/v1/users/{uid}", headers=admin,
                        json={"title": "Sales lead"}).status_code == 200
    updated, created = _events(client, admin, object_type="user", object_id=uid)
    assert (created["kind"], created["detail"]["before"]) == ("user_created", None)
    assert created["detail"]["after"]["first_name"] == "Anna"
    assert updated["kind"] == "user_updated"
    assert (updated["detail"]["before"]["title"], updated["detail"]["after"]["title"]) == \
        (created["detail"]["after"]["title"], "Sales lead")
    assert "password" not in json.dumps([created, updated])


def test_a_device_switched_off_by_an_administrator_is_in_the_log(app, db, client):
    company = make_company(app)
    admin = auth(client, company.admin_mobile)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    device = client.post(f"/api/v1/users/{alice.id}/devices", headers=admin, json={
        "kind": "softphone", "sip_uri": "sip:alice@10.0.0.7"})
    assert device.status_code == 201, device.get_json()
    did = device.get_json()["id"]
    client.patch(f"/api/v1/devices/{did}", headers=admin, json={"enabled": False})
    events = _events(client, admin, object_type="device", object_id=did)
    kinds = [(e["kind"], e["detail"]["after"] and e["detail"]["after"]["enabled"])
             for e in events]
    assert kinds == [("device_updated", False), ("device_created", True)]
    assert "ha1" not in json.dumps(events)  # the SIP password's digest stays out of the log


def test_the_log_filters_by_actor_and_time_and_pages(app, db, client):
    company = make_company(app)
    admin = auth(client, company.admin_mobile)
    admin_id = db.scalar(select(User.id).where(User.mobile == company.admin_mobile))
    for name in ("North", "South", "West"):
        assert client.post("/api/v1/roles", headers=admin,
                           json={"name": name, "permissions": []}).status_code == 201
    soon = (datetime.now(timezone.utc) + timedelta(minutes=5)).isoformat()
    page = client.get("/api/v1/audit-events", headers=admin, query_string={
        "actor_user_id": admin_id, "kind": "role_created", "page_size": 2})
    assert [e["detail"]["after"]["name"] for e in page.get_json()] == ["West", "South"]
    assert json.loads(page.headers["X-Pagination"])["total"] == 3
    assert _events(client, admin, since=soon) == []
    assert len(_events(client, admin, until=soon, kind="role_created")) == 3
    assert _events(client, admin, actor_user_id=admin_id + 100000) == []


def test_a_company_sees_only_its_own_log_and_bad_filters_are_problems(app, db, client):
    ours, theirs = make_company(app), make_company(app)
    client.post("/api/v1/roles", headers=auth(client, theirs.admin_mobile),
                json={"name": "Theirs", "permissions": []})
    admin = auth(client, ours.admin_mobile)
    assert _events(client, admin, kind="role_created") == []
    bad = client.get("/api/v1/audit-events", headers=admin,
                     query_string={"since": "yesterday"})
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"


def test_a_user_hidden_from_the_directory_is_not_listed_or_found(app, db, client):
    company = make_company(app)
    bob = db.scalar(select(User).where(User.mobile == company.users["bob"]))
    admin, alice = auth(client, company.admin_mobile), auth(client, company.users["alice"])

    def names(**q) -> list:
        r = client.get("/api/v1/directory", headers=alice, query_string=q)
        assert r.status_code == 200, r.get_json()
        return [e["name"] for e in r.get_json()]

    assert any("Bob" in n for n in names())
    r = client.patch(f"/api/v1/users/{bob.id}", headers=admin,
                     json={"hidden_from_directory": True})
    assert r.status_code == 200 and r.get_json()["hidden_from_directory"] is True
    assert not any("Bob" in n for n in names()) and not any("Bob" in n for n in names(q="bob"))
    [event] = _events(client, admin, object_type="user", object_id=bob.id)
    assert (event["detail"]["before"]["hidden_from_directory"],
            event["detail"]["after"]["hidden_from_directory"]) == (False, True)
