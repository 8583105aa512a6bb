"""Login, refresh rotation with reuse detection, logout, password change, rate limits."""
from __future__ import annotations

from datetime import timedelta

from api.core import clock
from tests.support.api import PASSWORD, auth, login, make_company


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_login_accepts_the_mobile_number_in_any_common_format(app, client):
    c = make_company(app)
    national = c.users["alice"][3:]  # +47 stripped
    spaced = f"{national[:3]} {national[3:5]} {national[5:]}"
    for username in (c.users["alice"], national, spaced, "0047" + national):
        body = login(client, username)
        assert body["user"]["mobile"] == c.users["alice"]


def test_unknown_number_fails_exactly_like_a_wrong_password(app, client):
    c = make_company(app)
    wrong = client.post("/api/v1/auth/login", json={"username": c.users["alice"],
                                                     "password": "nope"})
    unknown = client.post("/api/v1/auth/login", json={"username": "+4799999998",
                                                       "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.get_json().items() if k not in ("request_id",)}
    assert strip(wrong) == strip(unknown)


def test_access_token_shows_me_and_expires(app, client):
    c = make_company(app)
    body = login(client, c.users["alice"])
    me = client.get("/api/v1/me", headers=bearer(body["access_token"])).get_json()
    assert me["first_name"] == "Alice" and me["mobile"] == c.users["alice"]
    clock.freeze(clock.now() + timedelta(seconds=app.config["SETTINGS"].access_token_ttl + 1))
    r = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert r.status_code == 401 and r.content_type == "application/problem+json"


def test_refresh_rotates_and_reusing_an_old_token_revokes_the_whole_session(app, client):
    c = make_company(app)
    first = login(client, c.users["alice"])
    second = client.post("/api/v1/auth/refresh",
                         json={"refresh_token": first["refresh_token"]}).get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 200
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    # the thief's replay ended the session: the legitimate newer tokens die too
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh",
                       json={"refresh_token": second["refresh_token"]}).status_code == 401


def test_logout_ends_the_session_and_its_refresh_token(app, client):
    c = make_company(app)
    body = login(client, c.users["alice"])
    assert client.post("/api/v1/auth/logout", headers=bearer(body["access_token"])).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(body["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh",
                       json={"refresh_token": body["refresh_token"]}).status_code == 401


def test_changing_the_password_logs_out_every_other_session_at_once(app, client):
    c = make_company(app)
    phone = login(client, c.users["alice"])
    laptop = login(client, c.users["alice"])
    r = client.put("/api/v1/me/password", headers=bearer(phone["access_token"]),
                   json={"current_password": PASSWORD, "new_password": "new-secret"})
    assert r.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(laptop["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh",
                       json={"refresh_token": laptop["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(phone["access_token"])).status_code == 200
    assert login(client, c.users["alice"], "new-secret")["access_token"]


def test_wrong_current_password_changes_nothing(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    r = client.put("/api/v1/me/password", headers=h,
                   json={"current_password": "wrong", "new_password": "whatever1"})
    assert r.status_code == 403
    assert login(client, c.users["alice"])["access_token"]


def test_strict_policy_refusal_says_which_rule_failed(app, client):
    c = make_company(app, policy="strict")
    h = auth(client, c.users["alice"])
    r = client.put("/api/v1/me/password", headers=h,
                   json={"current_password": PASSWORD, "new_password": "Abc12abcd"})
    assert r.status_code == 422
    body = r.get_json()
    assert "no_repeated_sequence" in body["errors"]["rules"]
    assert "3-character" in body["detail"]


def test_strict_policy_refuses_a_recent_password(app, client):
    c = make_company(app, policy="strict")
    h = auth(client, c.users["alice"])
    for old, new in ((PASSWORD, "Fjord2026x"), ("Fjord2026x", "Bergen77yy")):
        assert client.put("/api/v1/me/password", headers=h, json={
            "current_password": old, "new_password": new}).status_code == 204
    r = client.put("/api/v1/me/password", headers=h,
                   json={"current_password": "Bergen77yy", "new_password": "Fjord2026x"})
    assert r.status_code == 422 and "not_recently_used" in r.get_json()["errors"]["rules"]


def test_expired_strict_password_must_be_changed_before_anything_else(app, client):
    c = make_company(app, policy="strict")
    h = auth(client, c.users["alice"])
    clock.freeze(clock.now() + timedelta(days=91))
    body = login(client, c.users["alice"])
    assert body["password_expired"] is True
    h = bearer(body["access_token"])
    r = client.get("/api/v1/roles", headers=h)
    assert r.status_code == 403 and r.get_json()["reason"] == "password_expired"
    assert client.get("/api/v1/me", headers=h).get_json()["password_expired"] is True
    assert client.put("/api/v1/me/password", headers=h, json={
        "current_password": PASSWORD, "new_password": "Fresh2027ab"}).status_code == 204
    assert client.get("/api/v1/roles", headers=h).status_code == 200


def test_login_is_rate_limited_per_number_with_retry_after(app, client):
    c = make_company(app)
    limit = app.config["SETTINGS"].login_user_limit
    for _ in range(limit):
        assert client.post("/api/v1/auth/login", json={"username": c.users["bob"],
                                                        "password": "bad"}).status_code == 401
    r = client.post("/api/v1/auth/login", json={"username": c.users["bob"], "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    # another user from the same address is not locked out by bob's attempts
    assert login(client, c.users["alice"])["access_token"]
    clock.freeze(clock.now() + timedelta(seconds=app.config["SETTINGS"].login_user_window + 1))
    assert login(client, c.users["bob"])["access_token"]


def test_login_is_rate_limited_per_client_address(app, client):
    make_company(app)
    limit = app.config["SETTINGS"].login_ip_limit
    codes = [client.post("/api/v1/auth/login", json={"username": f"+47911{i:05d}",
                                                      "password": "x"}).status_code
             for i in range(limit + 1)]
    assert codes[:limit] == [401] * limit and codes[limit] == 429


def test_sessions_list_and_ending_a_lost_phone(app, client):
    c = make_company(app)
    phone = login(client, c.users["alice"])
    laptop = login(client, c.users["alice"])
    sessions = client.get("/api/v1/me/sessions", headers=bearer(laptop["access_token"])).get_json()
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    r = client.delete(f"/api/v1/me/sessions/{phone['session_id']}",
                      headers=bearer(laptop["access_token"]))
    assert r.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(phone["access_token"])).status_code == 401


HOT_READS = ("/api/v1/me", "/api/v1/me/routing-preview?caller=%2B4799999999",
             "/api/v1/callerid/lookup?number=%2B4799999999")


def test_a_session_ended_elsewhere_is_refused_on_its_very_next_request_on_every_hot_read(
        app, client):
    c = make_company(app)
    phone = login(client, c.users["alice"])
    laptop = login(client, c.users["alice"])
    for path in HOT_READS:  # each answered twice: whatever a worker keeps is warm
        for _ in range(2):
            assert client.get(path, headers=bearer(phone["access_token"])).status_code == 200
    assert client.delete(f"/api/v1/me/sessions/{phone['session_id']}",
                         headers=bearer(laptop["access_token"])).status_code == 204
    for path in HOT_READS:
        r = client.get(path, headers=bearer(phone["access_token"]))
        assert r.status_code == 401, path
        assert r.content_type == "application/problem+json"
        assert "logged out" in r.get_json()["detail"]
    assert client.get(HOT_READS[0], headers=bearer(laptop["access_token"])).status_code == 200
