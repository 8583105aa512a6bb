"""Templates and recipient groups: the company's kept by administrators, each user's own."""
from __future__ import annotations

from sqlalchemy import select

from api.accounts.models import User
from tests.support.api import auth, make_company


def _company(app, client):
    c = make_company(app, extra_users=("alice", "bob", "carl"), team_leader="alice")
    h = {who: auth(client, mobile) for who, mobile in c.users.items()}
    h["admin"] = auth(client, c.admin_mobile)
    return c, h


def _make_team_leader(app, mobile):
    from api.accounts import admin, permissions
    with app.extensions["session_factory"]() as db:
        user = db.scalar(select(User).where(User.mobile == mobile))
        user.role_id = admin.builtin_role(db, user.tenant_id, permissions.TEAM_LEADER).id
        db.commit()


def test_i_see_the_companys_templates_and_my_own_but_not_a_colleagues(app, client):
    c, h = _company(app, client)
    _make_team_leader(app, c.users["carl"])
    company = client.post("/api/v1/messages/templates", headers=h["admin"], json={
        "name": "Closed", "text": "We are closed today.", "scope": "company"})
    assert company.status_code == 201 and company.get_json()["scope"] == "company"
    mine = client.post("/api/v1/messages/templates", headers=h["alice"], json={
        "name": "Late", "text": "I am 10 minutes late."}).get_json()
    assert mine["scope"] == "personal"
    theirs = client.post("/api/v1/messages/templates", headers=h["carl"], json={
        "name": "Carl's", "text": "Call me."}).get_json()
    listed = client.get("/api/v1/messages/templates", headers=h["alice"]).get_json()
    assert [(t["name"], t["scope"]) for t in listed] == [("Closed", "company"),
                                                        ("Late", "personal")]
    for method in ("GET", "PATCH", "DELETE"):
        r = client.open(f"/api/v1/messages/templates/{theirs['id']}", method=method,
                        headers=h["alice"], json={"text": "Hacked"} if method == "PATCH" else None)
        assert r.status_code == 404, (method, r.get_json())
    assert client.get(f"/api/v1/messages/templates/{theirs['id']}",
                      headers=h["carl"]).get_json()["text"] == "Call me."


def test_only_administrators_change_the_companys_templates(app, client):
    c, h = _company(app, client)
    r = client.post("/api/v1/messages/templates", headers=h["alice"], json={
        "name": "Ours", "text": "Hi", "scope": "company"})
    assert r.status_code == 403 and r.get_json()["permission"] == "manage_tenant"
    t = client.post("/api/v1/messages/templates", headers=h["admin"], json={
        "name": "Ours", "text": "Hi", "scope": "company"}).get_json()
    r = client.patch(f"/api/v1/messages/templates/{t['id']}", headers=h["alice"],
                     json={"text": "Changed"})
    assert r.status_code == 403
    assert client.delete(f"/api/v1/messages/templates/{t['id']}",
                         headers=h["alice"]).status_code == 403
    r = client.patch(f"/api/v1/messages/templates/{t['id']}", headers=h["admin"],
                     json={"text": "Changed", "scope": "personal"})
    assert r.get_json()["text"] == "Changed" and r.get_json()["scope"] == "company"
    assert client.delete(f"/api/v1/messages/templates/{t['id']}",
                         headers=h["admin"]).status_code == 204
    assert client.get("/api/v1/messages/templates", headers=h["alice"]).get_json() == []


def test_a_template_needs_a_name_and_a_text_and_a_known_scope(app, client):
    c, h = _company(app, client)
    for body, field in (({"name": "", "text": "x"}, "name"), ({"name": "x", "text": " "}, "text"),
                        ({"name": "x"}, "text"), ({"name": "x", "text": "y", "scope": "all"},
                                                  "scope")):
        r = client.post("/api/v1/messages/templates", headers=h["alice"], json=body)
        assert r.status_code == 422 and field in r.get_json()["errors"], body
    assert client.get("/api/v1/messages/templates", headers=h["bob"]).status_code == 403


def test_a_group_keeps_numbers_in_e164_and_refuses_unknown_or_foreign_members(app, client, db):
    c, h = _company(app, client)
    other = make_company(app)
    foreign = db.scalar(select(User.id).where(User.mobile == other.users["alice"]))
    bob = db.scalar(select(User.id).where(User.mobile == c.users["bob"]))
    g = client.post("/api/v1/messages/groups", headers=h["alice"], json={
        "name": "Team", "members": {"numbers": ["900 12 345", "+4790012345"],
                                    "user_ids": [bob]}})
    assert g.status_code == 201, g.get_json()
    assert g.get_json()["members"] == {"numbers": ["+4790012345"], "contact_ids": [],
                                       "user_ids": [bob]}
    r = client.patch(f"/api/v1/messages/groups/{g.get_json()['id']}", headers=h["alice"],
                     json={"members": {"user_ids": [bob, foreign]}})
    assert r.status_code == 422 and str(foreign) in r.get_json()["detail"]
    r = client.post("/api/v1/messages/groups", headers=h["alice"], json={
        "name": "Bad", "members": {"numbers": ["123"]}})
    assert r.status_code == 422 and "'123'" in r.get_json()["detail"]
    kept = client.get(f"/api/v1/messages/groups/{g.get_json()['id']}",
                      headers=h["alice"]).get_json()
    assert kept["members"]["user_ids"] == [bob]


def test_a_company_group_cannot_hold_someones_personal_contact(app, client):
    c, h = _company(app, client)
    friend = client.post("/api/v1/me/contacts", headers=h["admin"], json={
        "name": "My friend", "numbers": [{"number": "915 55 557"}]}).get_json()
    r = client.post("/api/v1/messages/groups", headers=h["admin"], json={
        "name": "Everyone", "scope": "company", "members": {"contact_ids": [friend["id"]]}})
    assert r.status_code == 422 and "no such contacts" in r.get_json()["detail"]
    r = client.post("/api/v1/messages/groups", headers=h["admin"], json={
        "name": "Mine", "members": {"contact_ids": [friend["id"]]}})
    assert r.status_code == 201
