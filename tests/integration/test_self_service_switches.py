"""A user switches their own devices and MEX on and off where the administrator lets them,
and changes the number shown on outgoing calls in one call."""
from __future__ import annotations

from sqlalchemy import select

from api.accounts.models import User
from sip_gateway.origin import Origin
from sip_gateway.store import Store
from tests.support.api import auth, make_company

URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}


def _setup(app, db, client, **device):
    """A company; Alice's own mobile (every user has one), as the administrator set it."""
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    admin = auth(client, company.admin_mobile)
    [mobile] = client.get(f"/api/v1/users/{alice.id}/devices", headers=admin).get_json()
    if device:
        r = client.patch(f"/api/v1/devices/{mobile['id']}", headers=admin, json=device)
        assert r.status_code == 200, r.get_json()
    return company, alice, admin, mobile["id"]


def test_a_user_switches_mex_off_and_their_mobile_no_longer_rings_for_office_calls(
        app, db, client):
    company, alice, _admin, mobile = _setup(app, db, client)
    h = auth(client, company.users["alice"])
    def rung() -> list:
        plan = client.get("/api/v1/me/routing-preview", headers=h).get_json()
        return [t["kind"] for s in plan["steps"] if s["action"] == "ring" for t in s["targets"]]

    assert "mobile" in rung()
    r = client.patch(f"/api/v1/me/devices/{mobile}", headers=h, json={"mex": False})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["mex"] is False
    assert "mobile" not in rung()


def test_a_device_the_administrator_keeps_cannot_be_switched_and_stays_as_it_was(
        app, db, client):
    company, _alice, _admin, mobile = _setup(app, db, client, user_may_switch=False)
    h = auth(client, company.users["alice"])
    r = client.patch(f"/api/v1/me/devices/{mobile}", headers=h, json={"enabled": False})
    assert r.status_code == 403 and r.content_type == "application/problem+json"
    assert "administrator" in r.get_json()["detail"]
    [device] = client.get("/api/v1/me/devices", headers=h).get_json()
    assert device["enabled"] is True


def test_a_colleagues_device_is_not_found(app, db, client):
    company, _alice, _admin, mobile = _setup(app, db, client)
    r = client.patch(f"/api/v1/me/devices/{mobile}", headers=auth(client, company.users["bob"]),
                     json={"enabled": False})
    assert r.status_code == 404


def test_one_call_shows_a_main_number_on_every_outgoing_call_whatever_the_profile(
        app, db, client):
    company, alice, admin, _mobile = _setup(app, db, client)
    assert client.post("/api/v1/main-numbers", headers=admin, json={
        "number": "+4722998877", "label": "Sales"}).status_code == 201
    h = auth(client, company.users["alice"])
    r = client.put("/api/v1/me/display-number", headers=h, json={"number": "22 99 88 77"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["number"] == "+4722998877" and r.get_json()["profiles"] >= 8
    profiles = client.get("/api/v1/me/profiles", headers=h).get_json()
    assert all(p["display_numbers"]["mobile"] == "+4722998877" for p in profiles)
    route = Store(app.extensions["session_factory"], URIS).route(
        "+4755512345", alice.mobile, set(), origin=Origin(kind="mex"))
    assert route.direction == "outgoing"
    assert route.reason["display_number"] == "+4722998877"
    back = client.put("/api/v1/me/display-number", headers=h, json={"number": None})
    assert back.status_code == 200
    assert all("mobile" not in p["display_numbers"]
               for p in client.get("/api/v1/me/profiles", headers=h).get_json())


def test_a_number_the_user_may_not_show_is_refused_and_nothing_changes(app, db, client):
    company, _alice, _admin, _mobile = _setup(app, db, client)
    h = auth(client, company.users["alice"])
    before = client.get("/api/v1/me/profiles", headers=h).get_json()
    r = client.put("/api/v1/me/display-number", headers=h,
                   json={"number": company.users["bob"]})
    assert r.status_code == 422 and "may display" in str(r.get_json())
    assert client.get("/api/v1/me/profiles", headers=h).get_json() == before


def test_an_administrator_switches_a_users_display_number_and_the_log_says_so(app, db, client):
    company, alice, admin, _mobile = _setup(app, db, client)
    r = client.put(f"/api/v1/users/{alice.id}/display-number", headers=admin,
                   json={"number": alice.office_number, "devices": ["softphone"]})
    assert r.status_code == 200, r.get_json()
    h = auth(client, company.users["alice"])
    assert all(p["display_numbers"] == {"softphone": alice.office_number}
               for p in client.get("/api/v1/me/profiles", headers=h).get_json())
    [event] = client.get("/api/v1/audit-events", headers=admin,
                         query_string={"kind": "display_number_updated"}).get_json()
    assert event["object_id"] == alice.id and event["detail"]["after"]["devices"] == [
        "softphone"]
    refused = client.put(f"/api/v1/users/{alice.id}/display-number", headers=admin,
                         json={"number": "+4799999999"})
    assert refused.status_code == 422
    assert len(client.get("/api/v1/audit-events", headers=admin, query_string={
        "kind": "display_number_updated"}).get_json()) == 1
