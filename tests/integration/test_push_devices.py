"""Registering phones for push: several per user, tokens move, logout removes them."""
from __future__ import annotations

from tests.support.api import auth, login, make_company
from tests.support.isolation_pushdevices import IOS_VOIP

ANDROID = {"platform": "android", "token": "fcm-token:" + "x" * 150, "token_kind": "fcm",
           "app_id": "no.example.pbx"}
URL = "/api/v1/me/push-devices"


def bearer(body):
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_a_user_registers_an_iphone_and_an_android_phone_and_lists_both(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    ios = client.post(URL, json=IOS_VOIP, headers=h)
    assert ios.status_code == 201
    assert ios.get_json()["current_session"] is True
    assert client.post(URL, json=ANDROID, headers=h).status_code == 201
    listed = client.get(URL, headers=h).get_json()
    assert [(d["platform"], d["token_kind"]) for d in listed] == [("ios", "voip"),
                                                                   ("android", "fcm")]


def test_registering_the_same_token_again_updates_it_instead_of_duplicating(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    client.post(URL, json=IOS_VOIP, headers=h)
    again = client.post(URL, json={**IOS_VOIP, "locale": "en-GB"}, headers=h).get_json()
    listed = client.get(URL, headers=h).get_json()
    assert len(listed) == 1 and listed[0]["locale"] == "en-GB" and listed[0]["id"] == again["id"]


def test_a_token_registered_by_a_colleague_moves_to_that_colleague(app, client):
    a = make_company(app)
    alice, bob = auth(client, a.users["alice"]), auth(client, a.users["bob"])
    client.post(URL, json=IOS_VOIP, headers=alice)
    second = client.post(URL, json=IOS_VOIP, headers=bob).get_json()  # the phone changed hands
    assert client.get(URL, headers=alice).get_json() == []
    assert [d["id"] for d in client.get(URL, headers=bob).get_json()] == [second["id"]]


def test_logout_removes_only_that_sessions_devices(app, client):
    c = make_company(app)
    phone, tablet = login(client, c.users["alice"]), login(client, c.users["alice"])
    client.post(URL, json=IOS_VOIP, headers=bearer(phone))
    client.post(URL, json=ANDROID, headers=bearer(tablet))
    assert client.post("/api/v1/auth/logout", headers=bearer(phone)).status_code == 204
    left = client.get(URL, headers=bearer(tablet)).get_json()
    assert [d["platform"] for d in left] == ["android"]
    assert left[0]["current_session"] is True


def test_a_password_change_logs_out_other_phones_and_stops_their_pushes(app, client):
    c = make_company(app)
    phone, tablet = login(client, c.users["bob"]), login(client, c.users["bob"])
    client.post(URL, json=IOS_VOIP, headers=bearer(phone))
    client.post(URL, json=ANDROID, headers=bearer(tablet))
    r = client.put("/api/v1/me/password", headers=bearer(phone),
                   json={"current_password": "secret-pass", "new_password": "another-pass"})
    assert r.status_code == 204
    assert [d["platform"] for d in client.get(URL, headers=bearer(phone)).get_json()] == ["ios"]


def test_a_user_deletes_a_device_and_cannot_delete_a_colleagues(app, client):
    c = make_company(app)
    alice, bob = auth(client, c.users["alice"]), auth(client, c.users["bob"])
    device = client.post(URL, json=IOS_VOIP, headers=alice).get_json()
    assert client.delete(f"{URL}/{device['id']}", headers=bob).status_code == 404
    assert client.delete(f"{URL}/{device['id']}", headers=alice).status_code == 204
    assert client.get(URL, headers=alice).get_json() == []


def test_a_token_kind_that_does_not_fit_the_platform_is_refused(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    r = client.post(URL, json={**ANDROID, "token_kind": "voip"}, headers=h)
    assert r.status_code == 422 and "token_kind" in r.get_json()["errors"]
    r = client.post(URL, json={**IOS_VOIP, "token": "short"}, headers=h)
    assert r.status_code == 422 and "token" in r.get_json()["errors"]


def test_only_administrators_see_the_push_log(app, client):
    c = make_company(app)
    assert client.get("/api/v1/push-attempts",
                      headers=auth(client, c.users["alice"])).status_code == 403
    r = client.get("/api/v1/push-attempts", headers=auth(client, c.admin_mobile))
    assert r.status_code == 200 and r.get_json() == []
