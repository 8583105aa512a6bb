"""Password reset by SMS command: the webhook, the replies, the limits (SMS sink gateway)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.accounts.models import AuditEvent
from api.core import clock
from api.sms.models import SmsInbound, SmsOutbound
from tests.support.api import PASSWORD, auth, make_company
from tests.support.sms import (code_of, give_service_number, reset_config, send_sms,  # noqa: F401
                               sink)


def _confirm(client, username, code, new_password="new-pass-1"):
    return client.post("/api/v1/auth/password-reset/confirm",
                       json={"username": username, "code": code, "new_password": new_password})


def test_registered_user_texts_the_keyword_and_gets_a_code_that_resets_the_password(
        app, client, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    alice = c.users["alice"]
    old = auth(client, alice)
    r = send_sms(client, alice, service, "password")
    assert r.status_code == 200 and r.get_json() == {"status": "received"}
    [sms] = sink.sent
    assert sms["to"] == alice and sms["from"] == service
    r = _confirm(client, alice, code_of(sms["text"]))
    assert r.status_code == 200
    fresh = {"Authorization": "Bearer " + r.get_json()["access_token"]}
    assert client.get("/api/v1/me", headers=old).status_code == 401
    assert client.get("/api/v1/me", headers=fresh).get_json()["mobile"] == alice
    assert client.post("/api/v1/auth/login", json={"username": alice, "password": PASSWORD}
                       ).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": alice, "password": "new-pass-1"}
                       ).status_code == 200


def test_an_unknown_number_gets_no_reply_and_the_same_answer(app, client, db, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    known = send_sms(client, c.users["bob"], service, "PASSWORD", msg_id="a")
    unknown = send_sms(client, "+4799999999", service, "PASSWORD", msg_id="b")
    assert (unknown.status_code, unknown.data) == (known.status_code, known.data)
    assert [m["to"] for m in sink.sent] == [c.users["bob"]]
    assert db.scalar(select(SmsInbound.outcome).where(SmsInbound.sender == "+4799999999")) \
        == "unknown_sender"


def test_a_number_of_another_company_is_unknown_at_this_companys_service_number(
        app, client, sink):
    a, b = make_company(app), make_company(app)
    service_a = give_service_number(app, a)
    send_sms(client, b.users["alice"], service_a, "PASSWORD")
    assert sink.sent == []


def test_an_unknown_keyword_gets_the_same_help_whoever_sends_it(app, client, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    send_sms(client, c.users["alice"], service, "hello", msg_id="a")
    send_sms(client, "+4799999998", service, "hello", msg_id="b")
    texts = {m["text"] for m in sink.sent}
    assert len(sink.sent) == 2 and len(texts) == 1
    assert "PASSWORD" in texts.pop()


def test_the_company_keyword_and_a_prefix_work(app, client, sink):
    c = make_company(app)
    service = give_service_number(app, c, keyword="PASSORD")
    send_sms(client, c.users["alice"], service, "  tsc Passord ")
    assert "reset code" in sink.sent[0]["text"]


def test_the_same_sms_delivered_twice_is_answered_once(app, client, db, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    for _ in range(3):
        r = send_sms(client, c.users["alice"], service, "PASSWORD", msg_id="same", ts="42")
        assert r.status_code == 200 and r.get_json() == {"status": "received"}
    assert len(sink.sent) == 1
    assert len(db.scalars(select(SmsInbound)).all()) == 1


def test_a_new_request_makes_the_previous_code_useless(app, client, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    send_sms(client, c.users["alice"], service, "PASSWORD", msg_id="1")
    send_sms(client, c.users["alice"], service, "PASSWORD", msg_id="2")
    first, second = (code_of(m["text"]) for m in sink.sent)
    if first != second:
        assert _confirm(client, c.users["alice"], first).status_code == 400
    assert _confirm(client, c.users["alice"], second).status_code == 200


def test_more_than_three_requests_an_hour_send_nothing_and_are_recorded(app, client, db, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    for i in range(5):
        send_sms(client, c.users["alice"], service, "PASSWORD", msg_id=str(i))
    assert len(sink.sent) == 3
    limited = db.scalars(select(AuditEvent).where(AuditEvent.kind == "password_reset_rate_limited")
                         ).all()
    assert len(limited) == 2 and limited[0].tenant_id == c.tenant_id
    clock.freeze(clock.now() + timedelta(hours=1, seconds=1))
    send_sms(client, c.users["alice"], service, "PASSWORD", msg_id="later")
    assert len(sink.sent) == 4


def test_the_company_limit_holds_across_senders(app, client, sink, reset_config):
    reset_config(tenant_limit=2)
    c = make_company(app, extra_users=("alice", "bob", "carl"))
    service = give_service_number(app, c)
    for who in ("alice", "bob", "carl"):
        send_sms(client, c.users[who], service, "PASSWORD", msg_id=who)
    assert [m["to"] for m in sink.sent] == [c.users["alice"], c.users["bob"]]


def test_an_sms_to_a_number_of_no_company_is_answered_alike_and_dropped(app, client, sink):
    r = send_sms(client, "+4790000002", "+4741999999", "PASSWORD")
    assert r.status_code == 200 and r.get_json() == {"status": "received"}
    assert sink.sent == []


def test_the_webhook_refuses_callers_without_the_secret(app, client, sink):
    from dataclasses import replace
    from api.sms.services import SmsRuntime
    rt = app.extensions["sms"]
    app.extensions["sms"] = SmsRuntime(replace(rt.config, webhook_secret="s3cret",
                                               allowed_ips=()), rt.gateway)
    c = make_company(app)
    service = give_service_number(app, c)
    assert send_sms(client, c.users["alice"], service, "PASSWORD").status_code == 403
    assert send_sms(client, c.users["alice"], service, "PASSWORD", secret="bad"
                    ).status_code == 403
    assert sink.sent == []
    assert send_sms(client, c.users["alice"], service, "PASSWORD", secret="s3cret"
                    ).status_code == 200
    assert len(sink.sent) == 1


def test_a_request_that_is_not_an_sms_is_refused_without_a_server_error(app, client, sink):
    r = client.get("/api/v1/sms/inbound", query_string={"from": "+4790000002"})
    assert r.status_code == 422 and r.content_type == "application/problem+json"


def test_kannel_post_url_works_like_get_url(app, client, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    r = client.post("/api/v1/sms/inbound", data="PASSWORD", content_type="text/plain",
                    headers={"X-Kannel-From": c.users["alice"], "X-Kannel-To": service,
                             "X-Kannel-Time": "1795400000"}, buffered=True)
    assert r.status_code == 200
    assert sink.sent[0]["to"] == c.users["alice"]


def test_delivery_reports_move_the_message_state_forward_only(app, client, db, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    send_sms(client, c.users["alice"], service, "PASSWORD")
    ref = db.scalar(select(SmsOutbound.ref))
    assert db.scalar(select(SmsOutbound.state)) == "accepted"
    for kind in ("1", "8", "zzz"):
        r = client.get("/api/v1/sms/reports", query_string={"ref": ref, "type": kind})
        assert r.status_code == 200
    db.expire_all()
    assert db.scalar(select(SmsOutbound.state)) == "delivered"
    assert client.get("/api/v1/sms/reports", query_string={"ref": "nope", "type": "1"}
                      ).status_code == 200


def test_help_texts_are_limited_per_sender(app, client, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    for i in range(4):
        send_sms(client, "+4799999995", service, "what is this", msg_id=str(i))
    assert len(sink.sent) == 2


def test_a_user_who_texts_in_is_answered_by_sms_even_after_a_failed_one(app, client, db, sink):
    c = make_company(app)
    service = give_service_number(app, c)
    send_sms(client, c.users["alice"], service, "PASSWORD", msg_id="1")
    ref = db.scalar(select(SmsOutbound.ref))
    client.get("/api/v1/sms/reports", query_string={"ref": ref, "type": "16"})  # rejected
    send_sms(client, c.users["alice"], service, "PASSWORD", msg_id="2")
    assert [m["to"] for m in sink.sent] == [c.users["alice"]] * 2
