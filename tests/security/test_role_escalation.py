"""Roles are not a way up: a user manager cannot make anyone (themselves included) more
powerful than they are, nobody changes their own role, and a company keeps an administrator."""
from __future__ import annotations

from tests.support.api import auth, make_company


def _setup(app, client, perms):
    """A company whose alice holds a custom role with `perms`; ids of people and roles."""
    c = make_company(app)
    admin = auth(client, c.admin_mobile)
    role = client.post("/api/v1/roles", json={"name": "Custom", "permissions": perms},
                       headers=admin).get_json()
    users = {u["mobile"]: u for u in client.get("/api/v1/users", headers=admin).get_json()}
    ids = {"admin": users[c.admin_mobile]["id"], "alice": users[c.users["alice"]]["id"],
           "bob": users[c.users["bob"]]["id"]}
    roles = {r["builtin"] or r["name"]: r["id"]
             for r in client.get("/api/v1/roles", headers=admin).get_json()}
    assert client.patch(f"/api/v1/users/{ids['alice']}", json={"role_id": role["id"]},
                        headers=admin).status_code == 200
    return c, admin, auth(client, c.users["alice"]), ids, roles


def test_a_user_manager_cannot_make_herself_administrator(app, client):
    c, admin, alice, ids, roles = _setup(app, client, ["manage_users"])
    r = client.patch(f"/api/v1/users/{ids['alice']}", json={"role_id": roles["administrator"]},
                     headers=alice)
    assert r.status_code == 403
    me = client.get("/api/v1/me", headers=alice).get_json()
    assert me["permissions"] == ["manage_users"]


def test_a_user_manager_cannot_make_a_colleague_administrator_or_create_one(app, client):
    c, admin, alice, ids, roles = _setup(app, client, ["manage_users"])
    r = client.patch(f"/api/v1/users/{ids['bob']}", json={"role_id": roles["administrator"]},
                     headers=alice)
    assert r.status_code == 403 and r.get_json()["missing_permissions"]
    r = client.post("/api/v1/users", json={"mobile": "+4791234500", "first_name": "Mallory",
                                           "role_id": roles["administrator"]}, headers=alice)
    assert r.status_code == 403
    assert client.get(f"/api/v1/users/{ids['bob']}", headers=admin).get_json()["role"][
        "builtin"] == "user"


def test_a_user_manager_cannot_take_over_an_administrator_by_moving_her_mobile(app, client):
    c, admin, alice, ids, roles = _setup(app, client, ["manage_users"])
    r = client.patch(f"/api/v1/users/{ids['admin']}", json={"mobile": "+4791234501"},
                     headers=alice)
    assert r.status_code == 403
    assert client.delete(f"/api/v1/users/{ids['admin']}", headers=alice).status_code == 403
    assert client.get("/api/v1/me", headers=admin).get_json()["mobile"] == c.admin_mobile


def test_a_role_manager_cannot_give_her_own_role_more_permissions(app, client):
    c, admin, alice, ids, roles = _setup(app, client, ["manage_roles"])
    r = client.patch(f"/api/v1/roles/{roles['Custom']}",
                     json={"permissions": ["manage_roles", "manage_users"]}, headers=alice)
    assert r.status_code == 403
    r = client.post("/api/v1/roles", json={"name": "Mine", "permissions": ["manage_tenant"]},
                    headers=alice)
    assert r.status_code == 403
    assert client.get("/api/v1/me", headers=alice).get_json()["permissions"] == ["manage_roles"]
    # within her own permissions she may still work
    assert client.post("/api/v1/roles", json={"name": "Roles too", "permissions":
                                              ["manage_roles"]}, headers=alice).status_code == 201


def test_nobody_changes_their_own_role_not_even_an_administrator(app, client):
    c = make_company(app)
    admin = auth(client, c.admin_mobile)
    me = client.get("/api/v1/me", headers=admin).get_json()
    roles = {r["builtin"] or r["name"]: r["id"]
             for r in client.get("/api/v1/roles", headers=admin).get_json()}
    r = client.patch(f"/api/v1/users/{me['id']}", json={"role_id": roles["user"]}, headers=admin)
    assert r.status_code == 403


def test_the_last_administrator_can_be_neither_demoted_nor_deleted(app, client):
    c, admin, alice, ids, roles = _setup(app, client, sorted(
        p["name"] for p in client.get("/api/v1/roles/permissions",
                                      headers=auth(client, make_company(app).admin_mobile))
        .get_json()))
    # alice holds every permission through a custom role, but she is no administrator
    r = client.patch(f"/api/v1/users/{ids['admin']}", json={"role_id": roles["user"]},
                     headers=alice)
    assert r.status_code == 409 and r.get_json()["reason"] == "last_administrator"
    assert client.delete(f"/api/v1/users/{ids['admin']}", headers=alice).status_code == 409
    # with a second administrator, the first may go
    assert client.patch(f"/api/v1/users/{ids['bob']}", json={"role_id": roles["administrator"]},
                        headers=admin).status_code == 200
    assert client.patch(f"/api/v1/users/{ids['admin']}", json={"role_id": roles["user"]},
                        headers=alice).status_code == 200
