"""The switchboard over HTTP: waiting calls in priority order, pick, assign, priority, the
"no agent free" rule, a member's devices and schedule per queue, the number members see."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from api import gateway_port as port
from api.core import clock
from api.queues import calls
from tests.support.api import auth, make_company

VIP = "+4790909090"


@pytest.fixture
def sb(app, client):
    c = make_company(app, extra_users=("alice", "bob", "tina", "ulla"), team_leader="tina")
    admin = auth(client, c.admin_mobile)
    users = {u["mobile"]: u["id"] for u in client.get("/api/v1/users", headers=admin).get_json()}
    ids = {who: users[mobile] for who, mobile in c.users.items()}
    r = client.post("/api/v1/queues", json={"name": "Support", "number": "22 99 00 00",
                                            "distribution": "ring_all",
                                            "vip_numbers": ["909 09 090"]}, headers=admin)
    assert r.status_code == 201, r.get_json()
    qid = r.get_json()["id"]
    assert r.get_json()["vip_numbers"] == [VIP]
    heads = {who: auth(client, c.users[who]) for who in ("alice", "bob", "tina", "ulla")}
    for who in ("alice", "bob"):
        assert client.put(f"/api/v1/queues/{qid}/members/{ids[who]}", json={},
                          headers=admin).status_code == 200
        client.post("/api/v1/me/queues/login", json={}, headers=heads[who])
    return {"company": c, "tenant": c.tenant_id, "admin": admin, "ids": ids, "queue": qid,
            **heads}


def _enter(db, sb, number, **kw):
    entry = calls.enqueue(db, sb["tenant"], sb["queue"], caller_number=number, **kw)
    assert entry.accepted
    return entry.call.id


def _waiting(client, headers, **query):
    r = client.get("/api/v1/switchboard/waiting", headers=headers, query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_a_vip_who_arrives_last_heads_the_waiting_list_and_gets_the_free_member(db, client, sb):
    t0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    clock.freeze(t0)
    client.post("/api/v1/me/queues/logout", json={}, headers=sb["bob"])
    client.post("/api/v1/me/queues/pause", json={}, headers=sb["alice"])
    first = _enter(db, sb, "+4791000001")
    clock.freeze(t0 + timedelta(seconds=20))
    vip = _enter(db, sb, VIP)
    clock.freeze(t0 + timedelta(seconds=30))
    listed = _waiting(client, sb["alice"])
    assert [(w["id"], w["position"], w["priority_reason"], w["wait_s"]) for w in listed] == [
        (vip, 1, "vip", 10), (first, 2, None, 30)]
    client.post("/api/v1/me/queues/resume", json={}, headers=sb["alice"])
    # alice is free again: whichever call asks first, she rings for the VIP
    assert calls.ring_next(db, sb["tenant"], first).ring == ()
    assert calls.ring_next(db, sb["tenant"], vip).ring == (sb["ids"]["alice"],)


def test_a_company_contact_tagged_vip_goes_first_and_is_named(db, client, sb):
    r = client.post("/api/v1/directory/contacts", headers=sb["admin"], json={
        "name": "Big Customer AS", "tags": ["VIP"], "numbers": [{"number": "+4791000009"}]})
    assert r.status_code == 201, r.get_json()
    plain = _enter(db, sb, "+4791000001")
    big = _enter(db, sb, "+4791000009")
    listed = _waiting(client, sb["bob"])
    assert [w["id"] for w in listed] == [big, plain]
    assert listed[0]["hit"]["name"] == "Big Customer AS" and listed[0]["priority"] == 10


def test_a_call_back_from_a_transfer_waits_before_new_callers(db, client, sb):
    new = _enter(db, sb, "+4791000001")
    back = _enter(db, sb, "+4791000002", returned=True)
    assert [w["id"] for w in _waiting(client, sb["alice"])] == [back, new]


def test_only_members_and_team_leaders_see_a_queues_waiting_calls(db, client, sb):
    _enter(db, sb, "+4791000001")
    assert len(_waiting(client, sb["alice"])) == 1 and len(_waiting(client, sb["tina"])) == 1
    assert _waiting(client, sb["ulla"]) == []
    r = client.get("/api/v1/switchboard/waiting", headers=sb["ulla"],
                   query_string={"queue_id": sb["queue"]})
    assert r.status_code == 404


def test_a_picked_call_rings_only_the_picker(db, client, sb):
    call = _enter(db, sb, "+4791000001")
    other = _enter(db, sb, "+4791000002")
    r = client.post(f"/api/v1/switchboard/waiting/{call}/pick", headers=sb["bob"])
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["target_user_id"] == sb["ids"]["bob"]
    assert calls.ring_next(db, sb["tenant"], call).ring == (sb["ids"]["bob"],)
    # bob is kept for his call: the other caller gets alice only
    assert calls.ring_next(db, sb["tenant"], other).ring == (sb["ids"]["alice"],)
    r = client.post(f"/api/v1/switchboard/waiting/{call}/pick", headers=sb["alice"])
    assert r.status_code == 409 and r.get_json()["target_user_id"] == sb["ids"]["bob"]


def test_a_picked_call_that_rings_out_goes_back_to_the_whole_queue(db, client, sb):
    call = _enter(db, sb, "+4791000001")
    client.post(f"/api/v1/switchboard/waiting/{call}/pick", headers=sb["bob"])
    calls.ring_next(db, sb["tenant"], call)
    assert calls.member_no_answer(db, sb["tenant"], call, sb["ids"]["bob"]) == "kept"
    assert set(calls.ring_next(db, sb["tenant"], call).ring) == {sb["ids"]["alice"],
                                                                 sb["ids"]["bob"]}


def test_a_non_member_cannot_pick_and_nobody_picks_an_answered_call(db, client, sb):
    call = _enter(db, sb, "+4791000001")
    assert client.post(f"/api/v1/switchboard/waiting/{call}/pick",
                       headers=sb["ulla"]).status_code == 404
    calls.member_answered(db, sb["tenant"], call, sb["ids"]["alice"])
    r = client.post(f"/api/v1/switchboard/waiting/{call}/pick", headers=sb["bob"])
    assert r.status_code == 409 and "no longer waiting" in r.get_json()["detail"]


def test_a_team_leader_assigns_a_call_to_a_colleague_and_only_they_ring(db, client, sb):
    call = _enter(db, sb, "+4791000001")
    url = f"/api/v1/switchboard/waiting/{call}/assign"
    assert client.post(url, json={"user_id": sb["ids"]["bob"]},
                       headers=sb["alice"]).status_code == 403
    r = client.post(url, json={"user_id": sb["ids"]["ulla"]}, headers=sb["tina"])
    assert r.status_code == 409 and "not a member" in r.get_json()["detail"]
    r = client.post(url, json={"user_id": sb["ids"]["bob"]}, headers=sb["tina"])
    assert r.status_code == 200 and r.get_json()["target_user_id"] == sb["ids"]["bob"]
    assert calls.ring_next(db, sb["tenant"], call).ring == (sb["ids"]["bob"],)


def test_a_call_cannot_be_assigned_to_another_companys_user(app, db, client, sb):
    other = make_company(app)
    stranger = client.get("/api/v1/me", headers=auth(client, other.admin_mobile)).get_json()
    call = _enter(db, sb, "+4791000001")
    r = client.post(f"/api/v1/switchboard/waiting/{call}/assign",
                    json={"user_id": stranger["id"]}, headers=sb["tina"])
    assert r.status_code == 404


def test_a_team_leader_raises_a_callers_priority_to_the_head_of_the_queue(db, client, sb):
    first = _enter(db, sb, "+4791000001")
    second = _enter(db, sb, "+4791000002")
    url = f"/api/v1/switchboard/waiting/{second}/priority"
    assert client.post(url, json={"priority": 15}, headers=sb["alice"]).status_code == 403
    assert client.post(url, json={"priority": 99}, headers=sb["tina"]).status_code == 422
    r = client.post(url, json={"priority": 15}, headers=sb["tina"])
    assert r.status_code == 200 and (r.get_json()["position"], r.get_json()["priority_reason"]
                                     ) == (1, "raised")
    assert [w["id"] for w in _waiting(client, sb["alice"])] == [second, first]


def test_a_queue_that_leaves_when_no_agent_is_free_sends_a_caller_to_the_overflow(
        db, client, sb):
    r = client.patch(f"/api/v1/queues/{sb['queue']}", headers=sb["admin"], json={
        "leave_when_no_agent_free": True, "overflow_kind": "number",
        "overflow_target": "+4722000000"})
    assert r.status_code == 200, r.get_json()
    busy = _enter(db, sb, "+4791000001")
    calls.member_answered(db, sb["tenant"], busy, sb["ids"]["alice"])
    client.post("/api/v1/me/queues/pause", json={}, headers=sb["bob"])
    entry = calls.enqueue(db, sb["tenant"], sb["queue"], caller_number="+4791000002")
    assert (entry.accepted, entry.overflow_kind, entry.overflow_target) == (
        False, "number", "+4722000000")
    log = client.get(f"/api/v1/queues/{sb['queue']}/calls", headers=sb["tina"]).get_json()
    assert log[0]["outcome_detail"] == "no agent free"
    client.post("/api/v1/me/queues/resume", json={}, headers=sb["bob"])
    assert calls.enqueue(db, sb["tenant"], sb["queue"], caller_number="+4791000003").accepted


def _device(client, sb, who, kind, uri):
    r = client.post(f"/api/v1/users/{sb['ids'][who]}/devices", headers=sb["admin"],
                    json={"kind": kind, "sip_uri": uri, "label": kind})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_a_member_chooses_which_of_their_devices_ring_for_a_queue(db, client, sb):
    soft = _device(client, sb, "alice", "softphone", "sip:alice@127.0.0.1:5062")
    _device(client, sb, "alice", "deskphone", "sip:alice@127.0.0.1:5064")
    bobs = _device(client, sb, "bob", "softphone", "sip:bob@127.0.0.1:5062")
    url = f"/api/v1/me/queues/{sb['queue']}/devices"
    r = client.put(url, json={"device_ids": [bobs]}, headers=sb["alice"])
    assert r.status_code == 422 and "device_ids" in r.get_json()["errors"]
    r = client.put(url, json={"device_ids": [soft]}, headers=sb["alice"])
    assert r.status_code == 200 and r.get_json()[0]["me"]["device_ids"] == [soft]
    call = _enter(db, sb, "+4791000001")
    ring = port.ring_next(db, sb["tenant"], call)
    assert ring.devices[sb["ids"]["alice"]] == (("softphone", "sip:alice@127.0.0.1:5062"),)
    # bob chose nothing: his mobile and his softphone ring, as for any call
    assert {kind for kind, _ in ring.devices[sb["ids"]["bob"]]} == {"mobile", "softphone"}
    client.put(url, json={"device_ids": None}, headers=sb["alice"])
    calls.member_no_answer(db, sb["tenant"], call, sb["ids"]["alice"])
    calls.member_no_answer(db, sb["tenant"], call, sb["ids"]["bob"])
    assert {kind for kind, _ in port.ring_next(db, sb["tenant"], call).devices[
        sb["ids"]["alice"]]} == {"mobile", "softphone", "deskphone"}


def test_members_phones_show_the_queue_number_with_its_prefix(db, client, sb):
    r = client.patch(f"/api/v1/queues/{sb['queue']}", headers=sb["admin"], json={
        "shown_number": "queue", "shown_prefix": "Q-"})
    assert r.status_code == 200, r.get_json()
    _device(client, sb, "alice", "softphone", "sip:alice@127.0.0.1:5062")
    call = _enter(db, sb, "+4791000001")
    ring = port.ring_next(db, sb["tenant"], call)
    assert (ring.from_user, ring.from_display) == ("+4722990000", "Q-Support")


def test_a_shown_main_number_must_be_one_of_the_companys_own(app, client, sb):
    other = make_company(app)
    theirs = client.post("/api/v1/main-numbers", headers=auth(client, other.admin_mobile),
                         json={"number": "+4721555000", "label": "Main"})
    assert theirs.status_code == 201, theirs.get_json()
    r = client.patch(f"/api/v1/queues/{sb['queue']}", headers=sb["admin"], json={
        "shown_number": "main", "shown_main_number": "+4721555000"})
    assert r.status_code == 422 and "shown_main_number" in r.get_json()["errors"]
    assert client.post("/api/v1/main-numbers", headers=sb["admin"], json={
        "number": "+4721666000", "label": "Main"}).status_code == 201
    r = client.patch(f"/api/v1/queues/{sb['queue']}", headers=sb["admin"], json={
        "shown_number": "main", "shown_main_number": "21 66 60 00"})
    assert r.status_code == 200 and r.get_json()["shown_main_number"] == "+4721666000"


def test_an_administrator_schedules_a_members_queue_login(client, sb):
    # Monday 2026-11-23 10:00 in Oslo
    clock.freeze(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    url = f"/api/v1/queues/{sb['queue']}/members/{sb['ids']['ulla']}"
    body = {"login_schedule": [{"days": [1, 2, 3, 4, 5], "from": "08:00", "to": "16:00"}]}
    assert client.put(url, json=body, headers=sb["alice"]).status_code == 403
    r = client.put(url, json=body, headers=sb["admin"])
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["logged_in"] is True and r.get_json()["login_schedule"] == body[
        "login_schedule"]
    client.post("/api/v1/me/queues/logout", json={}, headers=sb["ulla"])  # by hand: it holds
    mine = client.get("/api/v1/me/queues", headers=sb["ulla"]).get_json()
    assert mine[0]["me"]["logged_in"] is False
    clock.freeze(datetime(2026, 11, 23, 15, 30, tzinfo=timezone.utc))  # 16:30 in Oslo
    client.post("/api/v1/me/queues/login", json={}, headers=sb["ulla"])
    clock.freeze(datetime(2026, 11, 24, 7, 30, tzinfo=timezone.utc))   # Tuesday 08:30
    mine = client.get("/api/v1/me/queues", headers=sb["ulla"]).get_json()
    assert mine[0]["me"]["logged_in"] is True
    r = client.put(url, json={"login_schedule": [{"days": [8], "from": "8", "to": "x"}]},
                   headers=sb["admin"])
    assert r.status_code == 422


def test_a_prefix_that_would_break_the_phones_display_is_refused(client, sb):
    r = client.patch(f"/api/v1/queues/{sb['queue']}", headers=sb["admin"],
                     json={"shown_prefix": 'Q"\r\n'})
    assert r.status_code == 422 and "shown_prefix" in r.get_json()["errors"]
