"""Queues over HTTP: administration, my queues, colleagues, the log and the callback list."""
from __future__ import annotations

from datetime import timedelta

import pytest

from api.core import clock
from api.queues import calls
from tests.support.api import auth, make_company


@pytest.fixture
def setup(app, client):
    c = make_company(app, extra_users=("alice", "bob", "tina"), team_leader="tina")
    admin = auth(client, c.admin_mobile)
    users = {u["mobile"]: u["id"] for u in client.get("/api/v1/users", headers=admin).get_json()}
    ids = {who: users[mobile] for who, mobile in c.users.items()}
    queues = {}
    for name in ("Support", "Sales"):
        r = client.post("/api/v1/queues", json={"name": name, "number": "22 99 00 0" +
                                                str(len(queues))}, headers=admin)
        assert r.status_code == 201, r.get_json()
        queues[name] = r.get_json()["id"]
        for who in ("alice", "bob"):
            r = client.put(f"/api/v1/queues/{queues[name]}/members/{ids[who]}",
                           json={"priority": 0 if who == "alice" else 1}, headers=admin)
            assert r.status_code == 200, r.get_json()
    return {"company": c, "admin": admin, "ids": ids, "queues": queues,
            "alice": auth(client, c.users["alice"]), "bob": auth(client, c.users["bob"]),
            "tina": auth(client, c.users["tina"])}


def _mine(client, headers) -> dict:
    return {q["name"]: q for q in client.get("/api/v1/me/queues", headers=headers).get_json()}


def test_administrator_creates_a_queue_with_every_setting(client, setup):
    body = {"name": "Billing", "number": "+47 22 99 11 11", "distribution": "escalating",
            "ring_time_s": 15, "max_wait_s": 120, "overflow_kind": "number",
            "overflow_target": "+4722000000", "wrapup_s": 45, "wrapup_extendable": False,
            "service_level_s": 30, "ring_when_empty": True, "no_answer_policy": "pause",
            "callback_on_abandon": False, "hide_from_switchboard": True, "keep_history": False,
            "offer_callback": True, "auto_callback": True}
    r = client.post("/api/v1/queues", json=body, headers=setup["admin"])
    assert r.status_code == 201
    got = r.get_json()
    assert got["number"] == "+4722991111"
    assert {k: got[k] for k in body if k != "number"} == {k: v for k, v in body.items()
                                                          if k != "number"}
    r = client.patch(f"/api/v1/queues/{got['id']}", json={"ring_time_s": 25},
                     headers=setup["admin"])
    assert r.get_json()["ring_time_s"] == 25 and r.get_json()["wrapup_s"] == 45


def test_a_queue_greets_callers_with_its_own_words_in_its_language(client, setup):
    h, qid = setup["admin"], setup["queues"]["Support"]
    got = client.get(f"/api/v1/queues/{qid}", headers=h).get_json()
    assert got["greeting"] is None and got["offer_callback"] is False   # not offered unless set
    body = {"greeting": "Velkommen til kundeservice. Vennligst vent.", "greeting_language": "nb"}
    r = client.patch(f"/api/v1/queues/{qid}", json=body, headers=h)
    assert r.status_code == 200 and {k: r.get_json()[k] for k in body} == body
    assert client.patch(f"/api/v1/queues/{qid}", json={"greeting_language": "xx"},
                        headers=h).status_code == 422
    assert client.patch(f"/api/v1/queues/{qid}", json={"greeting": "x" * 301},
                        headers=h).status_code == 422
    r = client.patch(f"/api/v1/queues/{qid}", json={"greeting": None}, headers=h)
    assert r.get_json()["greeting"] is None   # back to "You have reached Support."


def test_queue_settings_are_validated(client, setup):
    h = setup["admin"]
    assert client.post("/api/v1/queues", json={"name": "X", "number": "12"},
                       headers=h).status_code == 422
    assert client.post("/api/v1/queues", json={"name": "X", "overflow_kind": "number"},
                       headers=h).status_code == 422
    assert client.post("/api/v1/queues", json={"name": "X", "ring_time_s": 10**12},
                       headers=h).status_code == 422
    assert client.post("/api/v1/queues", json={"name": "Support"}, headers=h).status_code == 409


def test_an_employee_cannot_administer_queues(client, setup):
    r = client.post("/api/v1/queues", json={"name": "Mine"}, headers=setup["alice"])
    assert r.status_code == 403


def test_my_queues_show_live_status_and_my_own_state(client, setup):
    mine = _mine(client, setup["alice"])
    assert set(mine) == {"Sales", "Support"}
    assert mine["Support"]["me"]["state"] == "logged_out"
    assert mine["Support"]["members"] == 2 and mine["Support"]["logged_in"] == 0
    assert _mine(client, setup["tina"]) == {}


def test_log_in_to_one_then_all_queues_and_out_of_several_in_one_request(client, setup):
    h, q = setup["alice"], setup["queues"]
    r = client.post("/api/v1/me/queues/login", json={"queue_ids": [q["Support"]]}, headers=h)
    states = {x["name"]: x["me"]["state"] for x in r.get_json()}
    assert states == {"Support": "available", "Sales": "logged_out"}
    client.post("/api/v1/me/queues/login", json={}, headers=h)
    assert all(x["me"]["logged_in"] for x in _mine(client, h).values())
    r = client.post("/api/v1/me/queues/logout", json={"queue_ids": list(q.values())}, headers=h)
    assert not any(x["me"]["logged_in"] for x in r.get_json())


def test_logging_in_to_a_queue_i_am_not_in_is_not_found_and_changes_nothing(client, setup):
    h, q = setup["alice"], setup["queues"]
    r = client.post("/api/v1/me/queues/login", json={"queue_ids": [q["Support"], 999999]},
                    headers=h)
    assert r.status_code == 404 and r.get_json()["queue_ids"] == [999999]
    assert not any(x["me"]["logged_in"] for x in _mine(client, h).values())


def test_pause_and_resume_keep_me_logged_in(client, setup):
    h = setup["alice"]
    client.post("/api/v1/me/queues/login", json={}, headers=h)
    r = client.post("/api/v1/me/queues/pause", json={"reason": "coffee"}, headers=h)
    assert {x["me"]["state"] for x in r.get_json()} == {"paused"}
    assert _mine(client, setup["bob"])["Support"]["paused"] == 1
    r = client.post("/api/v1/me/queues/resume", json={}, headers=h)
    assert {x["me"]["state"] for x in r.get_json()} == {"available"}


def test_wrap_up_can_be_extended_and_ended_early(db, client, setup):
    h, q, tenant = setup["alice"], setup["queues"], setup["company"].tenant_id
    client.post("/api/v1/me/queues/login", json={}, headers=h)
    assert client.post("/api/v1/me/queues/wrapup", json={"extra_s": 30},
                       headers=h).status_code == 409  # not in wrap-up
    entry = calls.enqueue(db, tenant, q["Support"], caller_number="+4791234567")
    calls.member_answered(db, tenant, entry.call.id, setup["ids"]["alice"])
    assert _mine(client, h)["Support"]["me"]["state"] == "in_call"
    calls.call_ended(db, tenant, entry.call.id)
    mine = _mine(client, h)
    assert mine["Support"]["me"]["state"] == "wrap_up" and mine["Sales"]["me"]["state"] == "wrap_up"
    r = client.post("/api/v1/me/queues/wrapup", json={"extra_s": 60}, headers=h)
    assert r.status_code == 200
    r = client.delete("/api/v1/me/queues/wrapup", headers=h)
    assert {x["me"]["state"] for x in r.get_json()} == {"available"}


def test_team_leader_logs_a_colleague_in_and_out(client, setup):
    t, q, bob = setup["tina"], setup["queues"], setup["ids"]["bob"]
    r = client.post(f"/api/v1/queues/members/{bob}/login", json={}, headers=t)
    assert r.status_code == 200 and all(x["me"]["logged_in"] for x in r.get_json())
    r = client.post(f"/api/v1/queues/{q['Sales']}/members/{bob}/logout", headers=t)
    assert r.get_json()["state"] == "logged_out"
    assert r.get_json()["changed_by_user_id"] == setup["ids"]["tina"]
    assert {x["name"]: x["me"]["logged_in"] for x in _mine(client, setup["bob"]).values()} \
        == {"Sales": False, "Support": True}
    seen = client.get(f"/api/v1/queues/members/{bob}", headers=t).get_json()
    assert len(seen) == 2


def test_an_employee_may_not_log_colleagues_in_or_out(client, setup):
    bob = setup["ids"]["bob"]
    r = client.post(f"/api/v1/queues/members/{bob}/logout", json={}, headers=setup["alice"])
    assert r.status_code == 403


def test_members_list_shows_priority_and_state_to_members_only(client, setup):
    q = setup["queues"]["Support"]
    r = client.get(f"/api/v1/queues/{q}/members", headers=setup["alice"])
    assert [(m["name"].split()[0], m["priority"]) for m in r.get_json()] == [("Alice", 0),
                                                                            ("Bob", 1)]
    # the team leader is not a member but may watch
    assert client.get(f"/api/v1/queues/{q}/members", headers=setup["tina"]).status_code == 200
    client.delete(f"/api/v1/queues/{q}/members/{setup['ids']['bob']}", headers=setup["admin"])
    assert client.get(f"/api/v1/queues/{q}/members", headers=setup["bob"]).status_code == 403


def test_hidden_queue_is_left_out_of_the_switchboard_list(client, setup):
    q = setup["queues"]["Sales"]
    client.patch(f"/api/v1/queues/{q}", json={"hide_from_switchboard": True},
                 headers=setup["admin"])
    assert "Sales" not in {x["name"] for x in
                           client.get("/api/v1/queues", headers=setup["tina"]).get_json()}
    assert client.get(f"/api/v1/queues/{q}/status", headers=setup["tina"]).status_code == 404
    assert client.get(f"/api/v1/queues/{q}/status", headers=setup["alice"]).status_code == 200


def test_status_counts_calls_waiting_and_the_longest_wait(db, client, setup):
    q, tenant = setup["queues"]["Support"], setup["company"].tenant_id
    client.post("/api/v1/me/queues/login", json={}, headers=setup["alice"])
    clock.freeze(clock.now())
    calls.enqueue(db, tenant, q, caller_number="+4791234567")
    clock.freeze(clock.now() + timedelta(seconds=40))
    calls.enqueue(db, tenant, q, caller_number="+4791234568")
    clock.freeze(clock.now() + timedelta(seconds=5))
    live = client.get(f"/api/v1/queues/{q}/status", headers=setup["alice"]).get_json()
    assert live["calls_waiting"] == 2 and live["longest_wait_s"] == 45


def test_missed_calls_and_the_callback_list_answered_removes_unanswered_stays(db, client, setup):
    q, tenant = setup["queues"]["Support"], setup["company"].tenant_id
    client.post("/api/v1/me/queues/login", json={}, headers=setup["alice"])
    entry = calls.enqueue(db, tenant, q, caller_number="+4791234567", caller_name="Kari Nordmann")
    calls.abandon(db, tenant, entry.call.id)
    missed = client.get("/api/v1/me/queues/missed", headers=setup["bob"]).get_json()
    assert [(m["caller_number"], m["status"]) for m in missed] == [("+4791234567", "abandoned")]
    log = client.get(f"/api/v1/queues/{q}/calls?missed=true", headers=setup["alice"]).get_json()
    assert len(log) == 1
    client.post(f"/api/v1/queues/{q}/callbacks", json={"caller_number": "41 00 00 01"},
                headers=setup["alice"])
    cbs = client.get("/api/v1/me/queues/callbacks", headers=setup["alice"]).get_json()
    assert [(c["caller_name"], c["queue_name"]) for c in cbs] == [("Kari Nordmann", "Support"),
                                                                   (None, "Support")]
    first, second = cbs[0]["id"], cbs[1]["id"]
    assert client.post(f"/api/v1/queues/callbacks/{first}/result", json={"answered": True},
                       headers=setup["alice"]).status_code == 409  # not started
    client.post(f"/api/v1/queues/callbacks/{first}/start", headers=setup["alice"])
    assert client.post(f"/api/v1/queues/callbacks/{first}/start",
                       headers=setup["bob"]).status_code == 409  # Alice is on it
    r = client.post(f"/api/v1/queues/callbacks/{first}/result", json={"answered": False},
                    headers=setup["alice"])
    assert r.get_json()["attempts"] == 1 and r.get_json()["last_attempt_at"]
    client.post(f"/api/v1/queues/callbacks/{second}/start", headers=setup["bob"])
    client.post(f"/api/v1/queues/callbacks/{second}/result", json={"answered": True},
                headers=setup["bob"])
    left = client.get("/api/v1/me/queues/callbacks", headers=setup["bob"]).get_json()
    assert [(c["id"], c["attempts"]) for c in left] == [(first, 1)]


def test_remote_login_phones_are_registered_in_e164_and_can_be_removed(client, setup):
    h = setup["alice"]
    r = client.post("/api/v1/me/queues/remote-numbers", json={"number": "22 33 44 55"}, headers=h)
    assert r.status_code == 201 and r.get_json()["number"] == "+4722334455"
    assert client.post("/api/v1/me/queues/remote-numbers", json={"number": "+4722334455"},
                       headers=setup["bob"]).status_code == 409
    assert client.post("/api/v1/me/queues/remote-numbers", json={"number": "nope"},
                       headers=h).status_code == 422
    assert client.delete(f"/api/v1/me/queues/remote-numbers/{r.get_json()['id']}",
                         headers=setup["bob"]).status_code == 404
    assert client.delete(f"/api/v1/me/queues/remote-numbers/{r.get_json()['id']}",
                         headers=h).status_code == 204
    assert client.get("/api/v1/me/queues/remote-numbers", headers=h).get_json() == []


def test_a_queue_can_be_a_favourite_showing_its_live_status(client, setup):
    q = setup["queues"]["Support"]
    client.post("/api/v1/me/queues/login", json={}, headers=setup["alice"])
    r = client.post("/api/v1/me/favourites", json={"kind": "queue", "target_id": q},
                    headers=setup["tina"])
    assert r.status_code == 201, r.get_json()
    (fav,) = [f for f in client.get("/api/v1/me/favourites", headers=setup["tina"]).get_json()
              if f["kind"] == "queue"]
    assert fav["name"] == "Support" and fav["availability"]["logged_in"] == 1
    r = client.post("/api/v1/me/favourites", json={"kind": "queue", "target_id": 999999},
                    headers=setup["tina"])
    assert r.status_code in (404, 422)


def test_a_busy_profile_logs_out_of_its_queue_and_available_logs_back_in(client, setup):
    h, q = setup["alice"], setup["queues"]
    client.post("/api/v1/me/queues/login", json={}, headers=h)
    profiles = {p["key"]: p for p in client.get("/api/v1/me/profiles", headers=h).get_json()}
    busy = profiles["busy"]["id"]
    r = client.patch(f"/api/v1/me/profiles/{busy}", json={"queue_logout": [q["Support"]]},
                     headers=h)
    assert r.status_code == 200, r.get_json()
    client.put("/api/v1/me/availability", json={"profile_id": busy}, headers=h)
    assert {n: x["me"]["logged_in"] for n, x in _mine(client, h).items()} == \
        {"Support": False, "Sales": True}
    client.put("/api/v1/me/availability", json={"profile_id": profiles["available"]["id"]},
               headers=h)
    assert all(x["me"]["logged_in"] for x in _mine(client, h).values())


def test_queue_and_service_numbers_each_reach_one_place(client, setup):
    h = setup["admin"]
    assert client.get("/api/v1/queues/service-number", headers=h).get_json() == {"number": None}
    r = client.put("/api/v1/queues/service-number", json={"number": "22 99 55 55"}, headers=h)
    assert r.get_json() == {"number": "+4722995555"}
    assert client.get("/api/v1/queues/service-number",
                      headers=setup["alice"]).get_json()["number"] == "+4722995555"
    assert client.post("/api/v1/queues", json={"name": "X", "number": "+4722995555"},
                       headers=h).status_code == 409
    assert client.patch(f"/api/v1/queues/{setup['queues']['Sales']}",
                        json={"number": "22990000"}, headers=h).status_code == 409  # Support's
    assert client.put("/api/v1/queues/service-number", json={"number": "22990000"},
                      headers=h).status_code == 409
    assert client.put("/api/v1/queues/service-number", json={"number": "1"},
                      headers=setup["alice"]).status_code == 403
    assert client.put("/api/v1/queues/service-number", json={"number": None},
                      headers=h).get_json() == {"number": None}


def test_a_callback_started_and_never_marked_is_free_again_after_half_an_hour(client, setup):
    q = setup["queues"]["Support"]
    cb = client.post(f"/api/v1/queues/{q}/callbacks", json={"caller_number": "41000001"},
                     headers=setup["alice"]).get_json()
    clock.freeze(clock.now())
    client.post(f"/api/v1/queues/callbacks/{cb['id']}/start", headers=setup["alice"])
    clock.freeze(clock.now() + timedelta(minutes=31))
    bob = auth(client, setup["company"].users["bob"])  # a fresh token, half an hour later
    r = client.post(f"/api/v1/queues/callbacks/{cb['id']}/start", headers=bob)
    assert r.status_code == 200 and r.get_json()["attempts"] == 2


def test_service_level_is_todays_share_of_calls_answered_within_the_target(db, client, setup):
    q, tenant = setup["queues"]["Support"], setup["company"].tenant_id
    alice = setup["ids"]["alice"]
    client.post("/api/v1/me/queues/login", json={}, headers=setup["alice"])
    assert client.patch(f"/api/v1/queues/{q}", json={"service_level_s": 20},
                        headers=setup["admin"]).status_code == 200
    from api.queues.status import day_start
    start = clock.now()

    def visit(entered, *, answer_after=None, outcome="answered"):
        clock.freeze(entered)
        call = calls.enqueue(db, tenant, q, caller_number="+4791234567").call
        if answer_after is None:
            clock.freeze(entered + timedelta(seconds=50))
            return (calls.abandon if outcome == "abandoned" else calls.request_callback)(
                db, tenant, call.id)
        clock.freeze(entered + timedelta(seconds=answer_after))
        calls.member_answered(db, tenant, call.id, alice)
        clock.freeze(entered + timedelta(seconds=answer_after + 60))
        calls.call_ended(db, tenant, call.id)
        calls.membership.end_wrapup(db, tenant, alice)

    visit(day_start(db, tenant, start) - timedelta(hours=1), answer_after=5)  # yesterday
    visit(start, answer_after=10)            # within 20 s
    visit(start + timedelta(minutes=2), answer_after=30)   # too late
    visit(start + timedelta(minutes=4), outcome="abandoned")
    visit(start + timedelta(minutes=6), outcome="callback")  # not held against the queue
    live = client.get(f"/api/v1/queues/{q}/status", headers=setup["alice"]).get_json()
    assert (live["calls_today"], live["answered_today"], live["missed_today"]) == (4, 2, 1)
    assert live["service_level_s"] == 20 and live["service_level_pct"] == 33.3
    mine = _mine(client, setup["alice"])
    assert mine["Support"]["service_level_pct"] == 33.3
    assert mine["Sales"]["calls_today"] == 0 and mine["Sales"]["service_level_pct"] is None


def test_the_callback_list_says_who_each_caller_is(client, setup):
    q, bob_mobile = setup["queues"]["Support"], setup["company"].users["bob"]
    for number in (bob_mobile, "+4791234599"):
        assert client.post(f"/api/v1/queues/{q}/callbacks", json={"caller_number": number},
                           headers=setup["alice"]).status_code == 201
    bob = client.get("/api/v1/me", headers=setup["bob"]).get_json()
    for url in ("/api/v1/me/queues/callbacks", f"/api/v1/queues/{q}/callbacks"):
        hits = {c["caller_number"]: c["hit"]
                for c in client.get(url, headers=setup["alice"]).get_json()}
        assert hits[bob_mobile]["name"] == f"{bob['first_name']} {bob['last_name']}".strip()
        assert hits[bob_mobile]["source"] == "colleague"
        assert hits["+4791234599"] is None
