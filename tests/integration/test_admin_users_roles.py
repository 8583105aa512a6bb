"""Administrators manage users, roles and settings; permissions are checked on the server."""
from __future__ import annotations

from tests.support.api import auth, login, make_company


def test_admin_creates_a_user_with_numbers_in_national_format_stored_as_e164(app, client):
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    r = client.post("/api/v1/users", headers=h, json={
        "mobile": "915 55 123", "first_name": "Kari", "last_name": "Nordmann",
        "office_number": "22 12 34 00", "short_number": "4567", "password": "pass1"})
    assert r.status_code == 201, r.get_json()
    user = r.get_json()
    assert user["mobile"] == "+4791555123" and user["office_number"] == "+4722123400"
    assert user["role"]["builtin"] == "user"
    assert login(client, "91555123", "pass1")["user"]["id"] == user["id"]


def test_an_invalid_number_is_a_422_naming_the_field(app, client):
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    r = client.post("/api/v1/users", headers=h, json={
        "mobile": "+4791555124", "first_name": "X", "office_number": "12"})
    assert r.status_code == 422
    assert "office_number" in r.get_json()["errors"]
    assert "office_number" in r.get_json()["detail"]


def test_a_mobile_number_can_be_the_login_of_only_one_user_in_the_whole_service(app, client):
    a, b = make_company(app), make_company(app)
    h = auth(client, b.admin_mobile)
    r = client.post("/api/v1/users", headers=h, json={"mobile": a.users["alice"],
                                                      "first_name": "Dup"})
    assert r.status_code == 409 and r.get_json()["field"] == "mobile"


def test_user_list_searches_name_department_and_digits_with_pagination(app, client):
    c = make_company(app, extra_users=("alice", "bob", "carol", "dave"))
    h = auth(client, c.admin_mobile)
    r = client.get("/api/v1/users?q=caro", headers=h)
    assert [u["first_name"] for u in r.get_json()] == ["Carol"]
    r = client.get(f"/api/v1/users?q={c.users['dave'][-4:]}", headers=h)
    assert [u["first_name"] for u in r.get_json()] == ["Dave"]
    r = client.get("/api/v1/users?page=1&page_size=2", headers=h)
    assert len(r.get_json()) == 2
    assert '"total": 5' in r.headers["X-Pagination"]


def test_a_plain_user_cannot_manage_users_or_roles(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    assert client.get("/api/v1/users", headers=h).status_code == 403
    r = client.post("/api/v1/roles", headers=h, json={"name": "Mine", "permissions": []})
    assert r.status_code == 403 and r.get_json()["permission"] == "manage_roles"
    assert client.patch("/api/v1/tenant", headers=h, json={"name": "Mine"}).status_code == 403


def test_custom_role_grants_its_permissions_and_deleting_it_demotes_to_user(app, client):
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    role = client.post("/api/v1/roles", headers=h, json={
        "name": "HR", "permissions": ["manage_users"]}).get_json()
    alice = client.get(f"/api/v1/users?q={c.users['alice'][-8:]}", headers=h).get_json()[0]
    client.patch(f"/api/v1/users/{alice['id']}", headers=h, json={"role_id": role["id"]})
    ha = auth(client, c.users["alice"])
    assert client.get("/api/v1/users", headers=ha).status_code == 200
    assert client.get("/api/v1/roles/permissions", headers=ha).status_code == 200
    assert client.delete(f"/api/v1/roles/{role['id']}", headers=h).status_code == 204
    assert client.get("/api/v1/users", headers=ha).status_code == 403
    me = client.get("/api/v1/me", headers=ha).get_json()
    assert me["role"]["builtin"] == "user"


def test_built_in_roles_cannot_be_edited_or_deleted(app, client):
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    roles = client.get("/api/v1/roles", headers=h).get_json()
    assert [r["builtin"] for r in roles[:3]] == ["administrator", "team_leader", "user"]
    for role in roles[:3]:
        assert client.patch(f"/api/v1/roles/{role['id']}", headers=h,
                            json={"name": "X"}).status_code == 403
        assert client.delete(f"/api/v1/roles/{role['id']}", headers=h).status_code == 403


def test_unknown_permission_is_refused(app, client):
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    r = client.post("/api/v1/roles", headers=h, json={"name": "X", "permissions": ["fly"]})
    assert r.status_code == 422 and "permissions" in r.get_json()["errors"]


def test_admin_changes_company_settings_and_bad_time_zone_is_refused(app, client):
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    r = client.patch("/api/v1/tenant", headers=h, json={"password_policy": "strict",
                                                        "sms_service_number": "41 00 00 77"})
    assert r.status_code == 200
    assert r.get_json()["password_policy"] == "strict"
    assert r.get_json()["sms_service_number"] == "+4741000077"
    r = client.patch("/api/v1/tenant", headers=h, json={"timezone": "Mars/Olympus"})
    assert r.status_code == 422 and "timezone" in r.get_json()["errors"]


def test_an_administrator_cannot_delete_themselves(app, client):
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    me = client.get("/api/v1/me", headers=h).get_json()
    assert client.delete(f"/api/v1/users/{me['id']}", headers=h).status_code == 409
