"""Administrators change a colleague's profiles and schedules through /users/{id}/...: the next
call follows the change, the audit log shows who changed what, other companies stay out."""
from __future__ import annotations

from sqlalchemy import select

from api.accounts.models import User
from sip_gateway.core.callmessages import RingStep
from sip_gateway.store import Store
from tests.support.api import auth, make_company

URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}


def _user(db, mobile: str) -> User:
    return db.scalar(select(User).where(User.mobile == mobile))


def _lunch(client, h, user_id: int) -> dict:
    listed = client.get(f"/api/v1/users/{user_id}/profiles", headers=h)
    assert listed.status_code == 200, listed.get_json()
    return next(p for p in listed.get_json() if p["key"] == "lunch")


def test_an_administrator_edits_a_colleagues_lunch_profile_and_the_next_call_follows_it(
        app, db, client):
    company = make_company(app)
    alice, bob = _user(db, company.users["alice"]), _user(db, company.users["bob"])
    admin = auth(client, company.admin_mobile)
    lunch = _lunch(client, admin, alice.id)
    r = client.patch(f"/api/v1/users/{alice.id}/profiles/{lunch['id']}", headers=admin,
                     json={"when_free": {"kind": "colleague", "target": str(bob.id)}})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["when_free"] == {"kind": "colleague", "target": str(bob.id)}
    h = auth(client, company.users["alice"])
    assert client.put("/api/v1/me/availability", headers=h,
                      json={"profile_id": lunch["id"]}).status_code == 200
    route = Store(app.extensions["session_factory"], URIS).route(alice.office_number,
                                                                 "+4791234567", set())
    ring = next(s for s in route.plan.steps if isinstance(s, RingStep))
    assert route.reason["profile"] == "Lunch"
    assert any(bob.office_number in t.uri or bob.mobile in t.uri for t in ring.targets), ring


def test_the_audit_log_shows_who_changed_which_profile_before_and_after(app, db, client):
    company = make_company(app)
    alice = _user(db, company.users["alice"])
    admin_id = _user(db, company.admin_mobile).id
    admin = auth(client, company.admin_mobile)
    lunch = _lunch(client, admin, alice.id)
    client.patch(f"/api/v1/users/{alice.id}/profiles/{lunch['id']}", headers=admin,
                 json={"note": "Back at one", "no_answer_after": 40})
    r = client.get("/api/v1/audit-events", headers=admin,
                   query_string={"object_type": "profile", "object_id": lunch["id"]})
    assert r.status_code == 200, r.get_json()
    [entry] = r.get_json()
    assert (entry["kind"], entry["actor_user_id"]) == ("profile_updated", admin_id)
    assert entry["detail"]["user_id"] == alice.id
    assert entry["detail"]["before"]["note"] == lunch["note"]
    assert entry["detail"]["after"]["note"] == "Back at one"
    assert entry["detail"]["after"]["no_answer_after"] == 40
    by_kind = client.get("/api/v1/audit-events", headers=admin,
                         query_string={"kind": "login_failed"}).get_json()
    assert by_kind == []


def test_a_refused_edit_changes_nothing_and_leaves_no_audit_event(app, db, client):
    company = make_company(app)
    alice = _user(db, company.users["alice"])
    admin = auth(client, company.admin_mobile)
    lunch = _lunch(client, admin, alice.id)
    r = client.patch(f"/api/v1/users/{alice.id}/profiles/{lunch['id']}", headers=admin,
                     json={"when_free": {"kind": "colleague", "target": "999999"}})
    assert r.status_code == 422 and "colleague" in r.get_json()["detail"] + str(r.get_json())
    assert _lunch(client, admin, alice.id)["when_free"] == lunch["when_free"]
    assert client.get("/api/v1/audit-events", headers=admin,
                      query_string={"kind": "profile_updated"}).get_json() == []


def test_schedules_made_for_a_colleague_are_theirs_and_audited(app, db, client):
    company = make_company(app)
    alice = _user(db, company.users["alice"])
    admin = auth(client, company.admin_mobile)
    lunch = _lunch(client, admin, alice.id)
    made = client.post(f"/api/v1/users/{alice.id}/schedules", headers=admin, json={
        "profile_id": lunch["id"], "starts": "2026-11-23T11:30:00",
        "ends": "2026-11-23T12:00:00", "recurrence": "daily"})
    assert made.status_code == 201, made.get_json()
    mine = client.get("/api/v1/me/schedules",
                      headers=auth(client, company.users["alice"])).get_json()
    assert [s["id"] for s in mine] == [made.get_json()["id"]]
    sid = made.get_json()["id"]
    assert client.delete(f"/api/v1/users/{alice.id}/schedules/{sid}",
                         headers=admin).status_code == 204
    kinds = [e["kind"] for e in client.get("/api/v1/audit-events", headers=admin,
                                           query_string={"object_type": "schedule"}).get_json()]
    assert kinds == ["schedule_deleted", "schedule_created"]


def test_another_companys_user_and_profile_are_not_found(app, db, client):
    ours, theirs = make_company(app), make_company(app)
    stranger = _user(db, theirs.users["alice"])
    admin = auth(client, ours.admin_mobile)
    their_lunch = _lunch(client, auth(client, theirs.admin_mobile), stranger.id)
    alice = _user(db, ours.users["alice"])
    for r in (client.get(f"/api/v1/users/{stranger.id}/profiles", headers=admin),
              client.patch(f"/api/v1/users/{stranger.id}/profiles/{their_lunch['id']}",
                           headers=admin, json={"note": "x"}),
              client.patch(f"/api/v1/users/{alice.id}/profiles/{their_lunch['id']}",
                           headers=admin, json={"note": "x"}),
              client.get(f"/api/v1/users/{stranger.id}/schedules", headers=admin)):
        assert r.status_code == 404, r.get_json()
        assert r.content_type == "application/problem+json"
    assert _lunch(client, auth(client, theirs.admin_mobile), stranger.id)["note"] == \
        their_lunch["note"]


def test_users_without_the_permissions_are_refused(app, db, client):
    company = make_company(app)
    alice, bob = _user(db, company.users["alice"]), _user(db, company.users["bob"])
    h = auth(client, company.users["bob"])
    lunch = _lunch(client, auth(client, company.admin_mobile), alice.id)
    assert client.patch(f"/api/v1/users/{alice.id}/profiles/{lunch['id']}", headers=h,
                        json={"note": "x"}).status_code == 403
    assert client.get("/api/v1/audit-events", headers=h).status_code == 403
    assert bob.id


SHARED = ("/availability", "/routing-preview", "/profiles", "/profiles/{profile_id}",
          "/schedules", "/schedules/{schedule_id}", "/display-numbers", "/display-number")


def _shapes(operation: dict) -> tuple:
    body = operation.get("requestBody", {}).get("content", {})
    params = sorted(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
    return (body, params, {status: r.get("content") for status, r in
                           operation["responses"].items() if status.startswith("2")})


def test_a_colleagues_settings_take_and_give_the_same_shapes_as_my_own(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in SHARED:
        mine = paths[f"/api/v1/me{path}"]
        theirs = paths[f"/api/v1/users/{{user_id}}{path}"]
        assert set(theirs) - {"parameters"} == set(mine) - {"parameters"}, path
        for method, operation in mine.items():
            if method != "parameters":
                assert _shapes(theirs[method]) == _shapes(operation), (method, path)


def test_my_own_profile_and_display_number_changes_are_not_audited_an_administrators_are(
        app, db, client):
    company = make_company(app)
    alice = _user(db, company.users["alice"])
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    lunch = _lunch(client, admin, alice.id)
    for base, headers in (("/api/v1/me", h), (f"/api/v1/users/{alice.id}", admin)):
        r = client.patch(f"{base}/profiles/{lunch['id']}", headers=headers,
                         json={"note": f"by {base}"})
        assert r.status_code == 200 and r.get_json()["note"] == f"by {base}", r.get_json()
        r = client.put(f"{base}/display-number", headers=headers,
                       json={"number": alice.office_number})
        assert r.status_code == 200, r.get_json()
    events = client.get("/api/v1/audit-events", headers=admin).get_json()
    kinds = sorted(e["kind"] for e in events if e["kind"].startswith(("profile",
                                                                         "display")))
    assert kinds == ["display_number_updated", "profile_updated"]
    [updated] = [e for e in events if e["kind"] == "profile_updated"]
    assert updated["detail"]["before"]["note"] == "by /api/v1/me"
    assert updated["detail"]["after"]["note"] == f"by /api/v1/users/{alice.id}"
