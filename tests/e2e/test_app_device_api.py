"""Over HTTP: the app adds itself as a softphone woken by its push token (POST /me/devices,
kind app): its SIP credentials, the RFC 8599 parameters it registers with, the plan rings it
like a softphone, and nobody can tie their device to another user's push token."""
from __future__ import annotations

from sqlalchemy import text

from tests.support.api import auth, make_company

VOIP = {"platform": "ios", "token": "a1b2c3d4e5f6a7b8c9d0", "token_kind": "voip",
        "app_id": "no.example.pbx", "environment": "sandbox"}


def _push(client, headers, **body) -> int:
    r = client.post("/api/v1/me/push-devices", headers=headers, json={**VOIP, **body})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _add_app(client, headers, push_id):
    return client.post("/api/v1/me/devices", headers=headers,
                       json={"kind": "app", "push_device_id": push_id})


def test_the_app_gets_its_own_sip_credentials_and_the_push_parameters_to_register_with(
        app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    r = _add_app(client, h, _push(client, h))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["kind"] == "app" and body["label"] == "App (iPhone)"
    creds = body["sip_credentials"]
    assert creds["username"] == body["sip_username"] and len(creds["password"]) >= 20
    assert body["sip_uri"] == f"sip:{creds['username']}@127.0.0.1:5060"
    params = body["push_params"]
    assert params["pn-provider"] == "apns" and params["pn-prid"] == VOIP["token"]
    assert params["pn-param"].endswith("no.example.pbx.voip")
    assert params["contact_params"] == (f";pn-provider=apns;pn-prid={VOIP['token']}"
                                        f";pn-param={params['pn-param']}")
    kinds = [d["kind"] for d in client.get("/api/v1/me/devices", headers=h).get_json()]
    assert "app" in kinds


def test_asking_again_for_the_same_token_rotates_the_password_of_the_same_device(
        app, client, db):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    push_id = _push(client, h)
    first, second = _add_app(client, h, push_id).get_json(), _add_app(client, h, push_id).get_json()
    assert first["id"] == second["id"]
    assert first["sip_credentials"]["password"] != second["sip_credentials"]["password"]
    ha1 = db.execute(text("SELECT ha1, push_token FROM sip_subscribers WHERE username = :u"),
                     {"u": second["sip_username"]}).one()
    from api.availability.sipcreds import ha1 as make_ha1
    assert ha1[0] == make_ha1(second["sip_username"], "pbx.local",
                              second["sip_credentials"]["password"])
    assert ha1[1] == VOIP["token"]   # the one pn-prid the edge accepts from it


def test_an_alert_token_cannot_become_a_softphone_and_the_answer_says_why(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    r = _add_app(client, h, _push(client, h, token="alerttoken0123456", token_kind="alert"))
    assert r.status_code == 422
    assert "push_device_id" in str(r.get_json()) and "alert" in str(r.get_json())


def test_a_colleagues_or_another_companys_push_token_is_not_found(app, client):
    c, other = make_company(app), make_company(app)
    alice, bob = auth(client, c.users["alice"]), auth(client, c.users["bob"])
    stranger = auth(client, other.users["alice"])
    bobs = _push(client, bob, token="bobs-voip-token-0001")
    strangers = _push(client, stranger, token="strangers-voip-token")
    for push_id in (bobs, strangers, 999999):
        r = _add_app(client, alice, push_id)
        assert r.status_code == 404, r.get_json()
    assert [d for d in client.get("/api/v1/me/devices", headers=alice).get_json()
            if d["kind"] == "app"] == []


def test_a_push_device_id_no_row_can_have_is_refused_as_bad_input(app, client):
    h = auth(client, make_company(app).users["alice"])
    for push_id in (0, 2**31, 10**30):
        r = _add_app(client, h, push_id)
        assert r.status_code == 422, r.get_json()
        assert "push_device_id" in str(r.get_json())


def test_only_the_app_adds_itself_a_user_cannot_add_a_softphone_or_desk_phone(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    r = client.post("/api/v1/me/devices", headers=h,
                    json={"kind": "softphone", "push_device_id": _push(client, h)})
    assert r.status_code == 422


def test_the_plan_rings_the_app_like_a_softphone_even_with_no_registration(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    device = _add_app(client, h, _push(client, h)).get_json()
    plan = client.get("/api/v1/me/routing-preview", headers=h).get_json()
    rung = [t for s in plan["steps"] if s["action"] == "ring" for t in s["targets"]]
    assert device["id"] in [t["device_id"] for t in rung]
    assert plan["skipped"] == []   # asleep is not unreachable: the push wakes it
    # a profile that rings no softphone rings no app either
    profiles = {p["key"]: p for p in client.get("/api/v1/me/profiles", headers=h).get_json()}
    client.patch(f"/api/v1/me/profiles/{profiles['available']['id']}", headers=h,
                 json={"devices": ["mobile"]})
    plan = client.get("/api/v1/me/routing-preview", headers=h).get_json()
    assert device["id"] not in [t["device_id"] for s in plan["steps"] if s["action"] == "ring"
                                for t in s["targets"]]


def test_logging_out_removes_the_app_device_with_its_push_token(app, client, db):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    device = _add_app(client, h, _push(client, h)).get_json()
    assert client.post("/api/v1/auth/logout", headers=h).status_code in (200, 204)
    row = db.execute(text("SELECT count(*) FROM availability_devices WHERE id = :i"),
                     {"i": device["id"]}).scalar()
    assert row == 0


def _rung(client, headers) -> list[int]:
    plan = client.get("/api/v1/me/routing-preview", headers=headers).get_json()
    return [t["device_id"] for s in plan["steps"] if s["action"] == "ring"
            for t in s["targets"]]


def test_logging_out_of_the_app_stops_the_plan_ringing_its_device_at_once(app, client):
    c = make_company(app)
    phone, desk = auth(client, c.users["alice"]), auth(client, c.users["alice"])
    device = _add_app(client, phone, _push(client, phone)).get_json()
    assert device["id"] in _rung(client, desk)   # the plan, as the gateway reads it, cached
    assert client.post("/api/v1/auth/logout", headers=phone).status_code in (200, 204)
    assert device["id"] not in _rung(client, desk)


def test_removing_the_push_token_stops_the_plan_ringing_its_app_device_at_once(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    push_id = _push(client, h)
    device = _add_app(client, h, push_id).get_json()
    assert device["id"] in _rung(client, h)
    assert client.delete(f"/api/v1/me/push-devices/{push_id}", headers=h).status_code == 204
    assert device["id"] not in _rung(client, h)
    assert [d for d in client.get("/api/v1/me/devices", headers=h).get_json()
            if d["kind"] == "app"] == []
