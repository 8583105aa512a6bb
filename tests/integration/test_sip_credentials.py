"""SIP credentials of devices: issued with the device, shown once, rotated, read by the edge."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from tests.support.api import auth, make_company


@pytest.fixture
def company(app, db):
    return make_company(app)


def _me(client, headers) -> dict:
    return client.get("/api/v1/me", headers=headers).get_json()


def _subscriber(db, username: str):
    return db.execute(text("SELECT ha1 FROM sip_subscribers WHERE username = :u"),
                      {"u": username}).scalar()


def _give_softphone(client, admin, user_id) -> dict:
    r = client.post(f"/api/v1/users/{user_id}/devices", headers=admin,
                    json={"kind": "softphone", "sip_uri": "sip:2101@pbx.example.com"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_a_new_softphone_comes_with_its_sip_password_once_and_only_its_hash_is_stored(
        app, company, client, db):
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    device = _give_softphone(client, admin, _me(client, h)["id"])
    creds = device["sip_credentials"]
    assert creds["username"] == device["sip_username"]
    assert creds["registrar"] and creds["aor"].startswith(f"sip:{creds['username']}@")
    realm = app.config["SETTINGS"].sip_realm
    expected = hashlib.md5(f"{creds['username']}:{realm}:{creds['password']}".encode()).hexdigest()
    assert _subscriber(db, creds["username"]) == expected
    stored = db.execute(text("SELECT * FROM availability_devices WHERE id = :i"),
                        {"i": device["id"]}).mappings().one()
    assert creds["password"] not in [str(v) for v in stored.values()]
    again = client.get(f"/api/v1/devices/{device['id']}", headers=admin).get_json()
    assert "sip_credentials" not in again and again["sip_username"] == creds["username"]


def test_rotating_replaces_the_password_and_the_old_one_no_longer_matches(company, client, db):
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    device = _give_softphone(client, admin, _me(client, h)["id"])
    old = _subscriber(db, device["sip_username"])
    r = client.post(f"/api/v1/devices/{device['id']}/sip-credentials", headers=admin)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["username"] == device["sip_username"]
    assert r.get_json()["password"] != device["sip_credentials"]["password"]
    db.expire_all()
    assert _subscriber(db, device["sip_username"]) not in (None, old)


def test_a_user_gets_credentials_for_their_own_softphone_but_not_a_colleagues(
        company, client):
    admin = auth(client, company.admin_mobile)
    alice, bob = auth(client, company.users["alice"]), auth(client, company.users["bob"])
    device = _give_softphone(client, admin, _me(client, alice)["id"])
    mine = client.post(f"/api/v1/me/devices/{device['id']}/sip-credentials", headers=alice)
    assert mine.status_code == 201 and mine.get_json()["password"]
    theirs = client.post(f"/api/v1/me/devices/{device['id']}/sip-credentials", headers=bob)
    assert theirs.status_code == 404
    assert theirs.headers["Content-Type"].startswith("application/problem+json")
    assert client.post(f"/api/v1/devices/{device['id']}/sip-credentials",
                       headers=bob).status_code == 403


def test_another_company_cannot_rotate_or_see_a_devices_credentials(app, company, client):
    other = make_company(app)
    admin = auth(client, company.admin_mobile)
    device = _give_softphone(client, admin, _me(client, auth(client, company.users["alice"]))["id"])
    stranger = auth(client, other.admin_mobile)
    r = client.post(f"/api/v1/devices/{device['id']}/sip-credentials", headers=stranger)
    assert r.status_code == 404


def test_a_mobile_has_no_sip_credentials_and_asking_for_them_is_refused(company, client, db):
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    mobile = [d for d in client.get("/api/v1/me/devices", headers=h).get_json()
              if d["kind"] == "mobile"][0]
    assert mobile["sip_username"] is None
    r = client.post(f"/api/v1/devices/{mobile['id']}/sip-credentials", headers=admin)
    assert r.status_code == 422 and "does not register" in r.get_json()["detail"]


def test_a_disabled_device_no_longer_authenticates_at_the_edge(company, client, db):
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    device = _give_softphone(client, admin, _me(client, h)["id"])
    assert _subscriber(db, device["sip_username"]) is not None
    client.patch(f"/api/v1/devices/{device['id']}", headers=admin, json={"enabled": False})
    assert _subscriber(db, device["sip_username"]) is None
