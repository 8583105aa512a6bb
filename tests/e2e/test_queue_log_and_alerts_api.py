"""Queue calls over HTTP after the switchboard: tags in the queue log, the callback list
(delete, notices to members), service level per day and hour, SLA alerts fired once per
breach through the SMS gateway."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from api.core import clock
from api.queues import alerts, calls, notify
from api.sms.outbox import Outbox
from tests.support.api import auth, make_company
from tests.support.sms import give_service_number, set_user, sink  # noqa: F401

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)   # Monday 10:00 in Oslo


@pytest.fixture
def q(app, client):
    c = make_company(app, extra_users=("alice", "bob", "tina"), team_leader="tina")
    admin = auth(client, c.admin_mobile)
    users = {u["mobile"]: u["id"] for u in client.get("/api/v1/users", headers=admin).get_json()}
    ids = {who: users[mobile] for who, mobile in c.users.items()}
    r = client.post("/api/v1/queues", json={"name": "Support", "number": "22 99 00 00",
                                            "service_level_s": 20}, headers=admin)
    qid = r.get_json()["id"]
    heads = {who: auth(client, c.users[who]) for who in ("alice", "bob", "tina")}
    for who in ("alice", "bob"):
        client.put(f"/api/v1/queues/{qid}/members/{ids[who]}", json={}, headers=admin)
        client.post("/api/v1/me/queues/login", json={}, headers=heads[who])
    return {"company": c, "tenant": c.tenant_id, "admin": admin, "ids": ids, "queue": qid,
            **heads}


def _answered(db, q, who="alice", number="+4791000001"):
    call = calls.enqueue(db, q["tenant"], q["queue"], caller_number=number).call.id
    calls.member_answered(db, q["tenant"], call, q["ids"][who])
    return call


def test_the_agent_tags_a_queue_call_during_and_after_it_and_the_log_keeps_the_tags(
        db, client, q):
    call = _answered(db, q)
    url = f"/api/v1/queues/calls/{call}/tags"
    r = client.put(url, json={"tags": ["invoice", " invoice ", "urgent"]}, headers=q["alice"])
    assert r.status_code == 200 and r.get_json()["tags"] == ["invoice", "urgent"]
    calls.call_ended(db, q["tenant"], call)
    assert client.put(url, json={"tags": ["invoice", "solved"]},
                      headers=q["alice"]).status_code == 200
    log = client.get(f"/api/v1/queues/{q['queue']}/calls", headers=q["bob"]).get_json()
    assert log[0]["tags"] == ["invoice", "solved"]


def test_only_the_answering_agent_or_a_team_leader_tags_and_never_a_waiting_call(
        db, client, q):
    call = _answered(db, q)
    url = f"/api/v1/queues/calls/{call}/tags"
    assert client.put(url, json={"tags": ["x"]}, headers=q["bob"]).status_code == 403
    assert client.put(url, json={"tags": ["checked"]}, headers=q["tina"]).status_code == 200
    waiting = calls.enqueue(db, q["tenant"], q["queue"], caller_number="+4791000002").call.id
    r = client.put(f"/api/v1/queues/calls/{waiting}/tags", json={"tags": ["x"]},
                   headers=q["tina"])
    assert r.status_code == 409
    r = client.put(url, json={"tags": ["x" * 41]}, headers=q["alice"])
    assert r.status_code == 422


def test_a_callback_entry_is_deleted_by_hand_but_not_while_a_colleague_calls_back(client, q):
    base = f"/api/v1/queues/{q['queue']}/callbacks"
    one = client.post(base, json={"caller_number": "+4791000001"}, headers=q["alice"]).get_json()
    two = client.post(base, json={"caller_number": "+4791000002"}, headers=q["alice"]).get_json()
    assert client.delete(f"/api/v1/queues/callbacks/{one['id']}",
                         headers=q["bob"]).status_code == 204
    client.post(f"/api/v1/queues/callbacks/{two['id']}/start", headers=q["alice"])
    r = client.delete(f"/api/v1/queues/callbacks/{two['id']}", headers=q["bob"])
    assert r.status_code == 409
    assert [e["id"] for e in client.get(base, headers=q["bob"]).get_json()] == [two["id"]]


def test_members_get_an_sms_when_a_callback_is_added_by_hand(app, client, q, sink):
    give_service_number(app, q["company"])
    assert client.patch(f"/api/v1/queues/{q['queue']}", json={"callback_notify": "sms"},
                        headers=q["admin"]).status_code == 200
    r = client.post(f"/api/v1/queues/{q['queue']}/callbacks", headers=q["alice"],
                    json={"caller_number": "+4791000001", "caller_name": "Kari"},
                    buffered=True)
    assert r.status_code == 201
    assert [(s["to"], s["text"]) for s in sink.sent] == [
        (q["company"].users["bob"], "Support: please call back Kari (+4791000001).")]


def test_members_get_no_notice_unless_the_queue_asks_for_it(app, client, q, sink):
    give_service_number(app, q["company"])
    client.post(f"/api/v1/queues/{q['queue']}/callbacks", headers=q["alice"],
                json={"caller_number": "+4791000001"}, buffered=True)
    assert sink.sent == []


def test_service_level_per_day_and_per_hour_over_a_date_range(db, client, q):
    def visit(at, answer_after=None):
        clock.freeze(at)
        call = calls.enqueue(db, q["tenant"], q["queue"], caller_number="+4791000001").call.id
        if answer_after is None:
            clock.freeze(at + timedelta(seconds=40))
            calls.abandon(db, q["tenant"], call)
            return
        clock.freeze(at + timedelta(seconds=answer_after))
        calls.member_answered(db, q["tenant"], call, q["ids"]["alice"])
        calls.call_ended(db, q["tenant"], call)
        calls.membership.end_wrapup(db, q["tenant"], q["ids"]["alice"])

    visit(T0, 5)                                   # Monday 10:00, in time
    visit(T0 + timedelta(minutes=30), 45)          # Monday 10:30, late
    visit(T0 + timedelta(hours=2))                 # Monday 12:00, abandoned
    visit(T0 + timedelta(days=1), 3)               # Tuesday 10:00, in time
    url = f"/api/v1/queues/{q['queue']}/service-level"
    days = client.get(url, query_string={"from": "2026-11-22", "to": "2026-11-24"},
                      headers=q["alice"]).get_json()
    assert [(d["start"][:10], d["calls"], d["answered"], d["missed"], d["service_level_pct"])
            for d in days] == [("2026-11-22", 0, 0, 0, None), ("2026-11-23", 3, 2, 1, 33.3),
                               ("2026-11-24", 1, 1, 0, 100.0)]
    hours = client.get(url, query_string={"from": "2026-11-23", "to": "2026-11-23",
                                          "by": "hour"}, headers=q["tina"]).get_json()
    assert len(hours) == 24
    busy = {h["start"][11:16]: (h["calls"], h["service_level_pct"]) for h in hours if h["calls"]}
    assert busy == {"10:00": (2, 50.0), "12:00": (1, 0.0)}


def test_service_level_history_refuses_a_too_long_range_and_other_companies(app, client, q):
    url = f"/api/v1/queues/{q['queue']}/service-level"
    r = client.get(url, query_string={"from": "2026-01-01", "to": "2026-03-01", "by": "hour"},
                   headers=q["alice"])
    assert r.status_code == 422 and "to" in r.get_json()["errors"]
    r = client.get(url, query_string={"from": "2026-03-01", "to": "2026-01-01"},
                   headers=q["alice"])
    assert r.status_code == 422
    other = make_company(app)
    assert client.get(url, headers=auth(client, other.admin_mobile)).status_code == 404
    clock.freeze(T0)
    default = client.get(url, headers=q["alice"]).get_json()
    assert [d["start"][:10] for d in default] == [
        (date(2026, 11, 17) + timedelta(days=i)).isoformat() for i in range(7)]


def _check(app, db, at) -> int:
    clock.freeze(at)
    outbox = Outbox()
    fired = alerts.check_all(db, notify.in_app(app), outbox)
    outbox.flush()
    return fired


def test_an_sla_alert_texts_the_team_leaders_once_per_breach(app, db, client, q, sink):
    give_service_number(app, q["company"])
    url = f"/api/v1/queues/{q['queue']}/alerts"
    body = {"metric": "waiting_calls", "threshold": 1, "for_minutes": 2, "channel": "sms"}
    assert client.post(url, json=body, headers=q["alice"]).status_code == 403
    r = client.post(url, json=body, headers=q["tina"])
    assert r.status_code == 201, r.get_json()
    clock.freeze(T0)
    waiting = [calls.enqueue(db, q["tenant"], q["queue"], caller_number=f"+479100000{i}"
                             ).call.id for i in range(2)]
    with app.app_context():
        assert _check(app, db, T0) == 0                          # breach starts
        assert _check(app, db, T0 + timedelta(minutes=1)) == 0   # not long enough
        assert _check(app, db, T0 + timedelta(minutes=2)) == 1   # fires
        assert _check(app, db, T0 + timedelta(minutes=3)) == 0   # once per breach
        assert [(s["to"], s["text"]) for s in sink.sent] == [
            (q["company"].users["tina"],
             "Queue alert: Support: 2 calls waiting (alert above 1).")]
        state = client.get(url, headers=q["tina"]).get_json()[0]
        assert state["fired_at"] is not None
        clock.freeze(T0 + timedelta(minutes=4))
        calls.abandon(db, q["tenant"], waiting[0])
        assert _check(app, db, T0 + timedelta(minutes=4)) == 0   # cleared: armed again
        assert client.get(url, headers=q["tina"]).get_json()[0]["fired_at"] is None
        calls.enqueue(db, q["tenant"], q["queue"], caller_number="+4791000009")
        assert _check(app, db, T0 + timedelta(minutes=5)) == 0
        assert _check(app, db, T0 + timedelta(minutes=7)) == 1   # the next breach
    assert len(sink.sent) == 2


def test_sla_alerts_are_removed_by_team_leaders_and_validated(client, q):
    url = f"/api/v1/queues/{q['queue']}/alerts"
    assert client.post(url, json={"metric": "mood", "threshold": 1},
                       headers=q["tina"]).status_code == 422
    alert = client.post(url, json={"metric": "logged_in", "threshold": 2, "channel": "email"},
                        headers=q["tina"]).get_json()
    assert alert["for_minutes"] == 0 and alert["channel"] == "email"
    assert client.delete(f"{url}/{alert['id']}", headers=q["alice"]).status_code == 403
    assert client.delete(f"{url}/{alert['id']}", headers=q["tina"]).status_code == 204
    assert client.get(url, headers=q["tina"]).get_json() == []


def test_a_queue_holds_at_most_ten_alerts(client, q):
    url = f"/api/v1/queues/{q['queue']}/alerts"
    for n in range(10):
        assert client.post(url, json={"metric": "waiting_calls", "threshold": n},
                           headers=q["tina"]).status_code == 201
    r = client.post(url, json={"metric": "waiting_calls", "threshold": 11}, headers=q["tina"])
    assert r.status_code == 409 and "at most 10" in r.get_json()["detail"]


def test_callback_notices_per_queue_are_capped_so_members_are_not_flooded(
        app, client, q, sink, monkeypatch):
    from api.queues import callbacks
    monkeypatch.setattr(callbacks, "NOTICES_PER_HOUR", 2)
    give_service_number(app, q["company"])
    client.patch(f"/api/v1/queues/{q['queue']}", json={"callback_notify": "sms"},
                 headers=q["admin"])
    for n in range(3):
        r = client.post(f"/api/v1/queues/{q['queue']}/callbacks", headers=q["alice"],
                        json={"caller_number": f"+479100000{n}"}, buffered=True)
        assert r.status_code == 201            # the entry is always taken
    assert len(sink.sent) == 2
    assert len(client.get(f"/api/v1/queues/{q['queue']}/callbacks",
                          headers=q["bob"]).get_json()) == 3
