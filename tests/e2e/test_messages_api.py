"""Messages over HTTP with the SMS sink as gateway: recipients, senders, refusals, limits,
opt-outs, history and delivery reports."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from api.accounts.models import User
from api.messages.models import Message
from api.messages.services import config as messages_config
from api.sms.models import SmsOutbound
from tests.support.api import auth, make_company, user_id_of
from tests.support.sms import give_service_number, send_sms, sink, swap_extension  # noqa: F401

OUTSIDER = "+4748000001"


def _company(app, client, name="ACME"):
    c = make_company(app, extra_users=("alice", "bob", "carl"), team_leader="alice")
    heads = {who: auth(client, mobile) for who, mobile in c.users.items()}
    heads["admin"] = auth(client, c.admin_mobile)
    if name:
        r = client.put("/api/v1/messages/settings", headers=heads["admin"],
                       json={"sender_name": name})
        assert r.status_code == 200, r.get_json()
    return c, heads


def _send(client, headers, **body):
    body.setdefault("text", "Hello from the office")
    return client.post("/api/v1/messages", headers=headers, json=body, buffered=True)


def _messages(db) -> int:
    return db.scalar(select(func.count()).select_from(Message))


@pytest.fixture
def limits(app):
    restores = []

    def change(**values):
        restores.append(swap_extension(app, "messages",
                                       replace(messages_config(app), **values)))
    yield change
    for restore in reversed(restores):
        restore()


def test_a_team_leader_texts_numbers_in_any_format_and_each_number_gets_one_sms(
        app, client, sink):
    c, h = _company(app, client)
    r = _send(client, h["alice"], numbers=["900 12 345", "+47 900 12 345", "0047 412 34 567"])
    assert r.status_code == 201, r.get_json()
    msg = r.get_json()
    assert [x["number"] for x in msg["recipients"]] == ["+4790012345", "+4741234567"]
    assert msg["sender"] == "ACME" and msg["encoding"] == "GSM-7" and msg["parts"] == 1
    assert sorted((s["to"], s["from"], s["text"]) for s in sink.sent) == [
        ("+4741234567", "ACME", "Hello from the office"),
        ("+4790012345", "ACME", "Hello from the office")]
    again = client.get(f"/api/v1/messages/{msg['id']}", headers=h["alice"]).get_json()
    assert {x["state"] for x in again["recipients"]} == {"accepted"}


def test_a_plain_user_may_not_send_and_nothing_goes_out(app, client, db, sink):
    c, h = _company(app, client)
    r = _send(client, h["bob"], numbers=["90012345"])
    assert r.status_code == 403 and r.get_json()["permission"] == "send_sms"
    assert sink.sent == [] and _messages(db) == 0


def test_contacts_colleagues_and_groups_each_get_one_sms_with_their_names(app, client, db,
                                                                          sink):
    c, h = _company(app, client)
    contact = client.post("/api/v1/directory/contacts", headers=h["admin"], json={
        "name": "Kari Kunde", "numbers": [{"label": "work", "number": "22 33 44 55"},
                                          {"label": "mobile", "number": "915 55 555"}]}
    ).get_json()
    bob, carl = user_id_of(db, c.users["bob"]), user_id_of(db, c.users["carl"])
    group = client.post("/api/v1/messages/groups", headers=h["alice"], json={
        "name": "On call", "members": {"user_ids": [bob, carl], "numbers": ["90012345"]}}
    ).get_json()
    r = _send(client, h["alice"], contact_ids=[contact["id"]], user_ids=[bob],
              group_ids=[group["id"]])
    assert r.status_code == 201, r.get_json()
    got = {(x["number"], x["name"], x["kind"]) for x in r.get_json()["recipients"]}
    assert got == {("+4791555555", "Kari Kunde", "contact"),
                   (c.users["bob"], db.get(User, bob).full_name, "colleague"),
                   (c.users["carl"], db.get(User, carl).full_name, "colleague"),
                   ("+4790012345", None, "number")}
    assert sorted(s["to"] for s in sink.sent) == sorted(
        ["+4791555555", c.users["bob"], c.users["carl"], "+4790012345"])


def test_another_companys_contact_colleague_or_group_is_refused_like_a_missing_one(
        app, client, db, sink):
    c, h = _company(app, client)
    o, oh = _company(app, client, name=None)
    contact = client.post("/api/v1/directory/contacts", headers=oh["admin"], json={
        "name": "Their client", "numbers": [{"number": "915 55 556"}]}).get_json()
    group = client.post("/api/v1/messages/groups", headers=oh["admin"], json={
        "name": "Theirs", "scope": "company", "members": {"numbers": ["90012345"]}}).get_json()
    colleague = user_id_of(db, o.users["bob"])
    for field, value, missing in (("contact_ids", contact["id"], "no such contacts"),
                                  ("user_ids", colleague, "no such colleagues"),
                                  ("group_ids", group["id"], "no such recipient groups"),
                                  ("group_ids", 2**31 - 1, "no such recipient groups")):
        r = _send(client, h["alice"], numbers=["90012345"], **{field: [value]})
        assert r.status_code == 422, r.get_json()
        assert missing in r.get_json()["detail"] and field in r.get_json()["errors"]
    assert sink.sent == [] and _messages(db) == 0


def test_bad_numbers_are_named_and_nothing_is_sent(app, client, db, sink):
    c, h = _company(app, client)
    r = _send(client, h["alice"], numbers=["90012345", "12", "not a number"])
    assert r.status_code == 422
    assert "'12'" in r.get_json()["detail"] and "'not a number'" in r.get_json()["detail"]
    assert sink.sent == [] and _messages(db) == 0


@pytest.mark.parametrize("body, field", [
    ({"text": "", "numbers": ["90012345"]}, "text"),
    ({"text": "  \n ", "numbers": ["90012345"]}, "text"),
    ({"numbers": ["90012345"]}, "text"),
    ({"text": "Hello"}, "numbers"),
])
def test_an_empty_text_or_no_recipient_is_refused(app, client, db, sink, body, field):
    c, h = _company(app, client)
    r = client.post("/api/v1/messages", headers=h["alice"], json=body, buffered=True)
    assert r.status_code == 422 and field in r.get_json()["errors"], r.get_json()
    assert sink.sent == [] and _messages(db) == 0


def test_a_text_needing_more_parts_than_allowed_is_refused_with_the_count(app, client, sink):
    c, h = _company(app, client)
    r = _send(client, h["alice"], numbers=["90012345"], text="✓" * (67 * 6 + 1))
    assert r.status_code == 422
    assert "needs 7 SMS (UCS-2); at most 6" in r.get_json()["detail"]
    assert sink.sent == []


def test_the_sender_is_the_company_name_or_a_number_i_may_show(app, client, db, sink):
    c, h = _company(app, client)
    office = db.get(User, user_id_of(db, c.users["alice"])).office_number
    senders = client.get("/api/v1/messages/senders", headers=h["alice"]).get_json()
    assert [s["sender"] for s in senders] == ["ACME", office, c.users["alice"]]
    national = office.removeprefix("+47")
    r = _send(client, h["alice"], numbers=["90012345"], sender=national)
    assert r.status_code == 201 and r.get_json()["sender"] == office
    r = _send(client, h["alice"], numbers=["90012345"], sender=c.users["bob"])
    assert r.status_code == 422 and "may not send as" in r.get_json()["detail"]
    r = _send(client, h["alice"], numbers=["90012345"], sender="EVILCORP")
    assert r.status_code == 422
    assert [s["from"] for s in sink.sent] == [office]


def test_over_my_hourly_limit_the_whole_message_is_refused_and_not_counted(
        app, client, db, sink, limits):
    limits(user_per_hour=3)
    c, h = _company(app, client)
    assert _send(client, h["alice"], numbers=["90012345", "90012346"]).status_code == 201
    r = _send(client, h["alice"], numbers=["90012347", "90012348"])
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "needs 2 SMS but your hourly limit of 3 leaves 1" in r.get_json()["detail"]
    assert _messages(db) == 1 and len(sink.sent) == 2
    assert _send(client, h["alice"], numbers=["90012347"]).status_code == 201
    assert _send(client, h["admin"], numbers=["90012347"]).status_code == 201  # mine only


def test_the_company_limit_holds_across_users(app, client, sink, limits):
    limits(company_per_day=2)
    c, h = _company(app, client)
    assert _send(client, h["alice"], numbers=["90012345"]).status_code == 201
    assert _send(client, h["admin"], numbers=["90012346"]).status_code == 201
    r = _send(client, h["alice"], numbers=["90012347"])
    assert r.status_code == 429 and "the company's daily limit" in r.get_json()["detail"]
    assert len(sink.sent) == 2


def test_a_number_that_texted_stop_is_skipped_until_it_texts_start(app, client, db, sink):
    c, h = _company(app, client)
    service = give_service_number(app, c)
    assert send_sms(client, OUTSIDER, service, "STOP", msg_id="s1").status_code == 200
    assert sink.sent == []  # no help text for an opt-out
    r = _send(client, h["alice"], numbers=[OUTSIDER, "90012345"])
    states = {x["number"]: x["state"] for x in r.get_json()["recipients"]}
    assert states == {OUTSIDER: "opted_out", "+4790012345": "queued"}
    assert [s["to"] for s in sink.sent] == ["+4790012345"]
    send_sms(client, OUTSIDER, service, "start", msg_id="s2")
    r = _send(client, h["alice"], numbers=[OUTSIDER])
    assert r.get_json()["recipients"][0]["state"] == "queued"
    assert sink.sent[-1]["to"] == OUTSIDER


def test_an_opt_out_holds_only_for_the_company_it_was_texted_to(app, client, sink):
    c, h = _company(app, client)
    o, oh = _company(app, client, name="OTHER")
    send_sms(client, OUTSIDER, give_service_number(app, c), "STOPP")
    mine = _send(client, h["alice"], numbers=[OUTSIDER]).get_json()
    theirs = _send(client, oh["alice"], numbers=[OUTSIDER]).get_json()
    assert mine["recipients"][0]["state"] == "opted_out"
    assert theirs["recipients"][0]["state"] == "queued"


def test_a_delivery_report_with_the_messages_token_moves_the_recipient_to_delivered(
        app, client, db, sink):
    c, h = _company(app, client)
    msg = _send(client, h["alice"], numbers=["90012345"]).get_json()
    ref = db.scalar(select(SmsOutbound.ref).where(SmsOutbound.to_number == "+4790012345"))
    assert len(ref) == 32
    client.get("/api/v1/sms/reports", query_string={"ref": "0" * 32, "type": "2"})
    client.get("/api/v1/sms/reports", query_string={"ref": str(msg["id"]), "type": "2"})
    mine = client.get("/api/v1/me/messages", headers=h["alice"]).get_json()
    assert mine[0]["recipients"][0]["state"] == "accepted"
    client.get("/api/v1/sms/reports", query_string={"ref": ref, "type": "1"})
    mine = client.get("/api/v1/me/messages", headers=h["alice"]).get_json()
    assert mine[0]["recipients"][0]["state"] == "delivered"
    assert mine[0]["states"] == {"delivered": 1}


def test_i_see_my_history_and_administrators_see_the_companys(app, client, db, sink):
    c, h = _company(app, client)
    mine = _send(client, h["alice"], numbers=["90012345"], text="from Alice").get_json()
    theirs = _send(client, h["admin"], numbers=["90012345"], text="from Admin").get_json()
    assert [m["text"] for m in client.get("/api/v1/me/messages",
                                          headers=h["alice"]).get_json()] == ["from Alice"]
    assert client.get(f"/api/v1/messages/{theirs['id']}", headers=h["alice"]).status_code == 404
    assert client.get("/api/v1/messages", headers=h["alice"]).status_code == 403
    every = client.get("/api/v1/messages", headers=h["admin"]).get_json()
    assert [m["id"] for m in every] == [theirs["id"], mine["id"]]
    only = client.get("/api/v1/messages", headers=h["admin"],
                      query_string={"user_id": user_id_of(db, c.users["alice"])}).get_json()
    assert [m["id"] for m in only] == [mine["id"]]


def test_the_preview_counts_a_long_unicode_text_as_the_phone_does(app, client):
    c, h = _company(app, client)
    r = client.post("/api/v1/messages/preview", headers=h["bob"],
                    json={"text": "Møtet er flyttet ✓ " * 5})
    assert r.get_json() == {"encoding": "UCS-2", "characters": 95, "units": 95, "parts": 2,
                            "per_part": 67, "characters_left": 39, "unicode_characters": ["✓"],
                            "max_parts": 6, "too_long": False}


def test_no_gateway_means_a_clear_problem_and_nothing_recorded(app, client, db):
    from api.sms.config import SmsConfig
    from api.sms.gateway import NoGateway
    from api.sms.services import SmsRuntime
    c, h = _company(app, client)
    restore = swap_extension(app, "sms", SmsRuntime(SmsConfig(gateway="none"), NoGateway()))
    try:
        r = _send(client, h["alice"], numbers=["90012345"])
    finally:
        restore()
    assert r.status_code == 503 and _messages(db) == 0


def test_a_retried_tap_with_the_same_idempotency_key_sends_nothing_more(app, client, db, sink):
    c, h = _company(app, client)
    tap = {**h["alice"], "Idempotency-Key": "tap-1"}
    first = client.post("/api/v1/messages", headers=tap, buffered=True,
                        json={"text": "Once", "numbers": ["90012345"]})
    again = client.post("/api/v1/messages", headers=tap, buffered=True,
                        json={"text": "Once", "numbers": ["90012345"]})
    assert first.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert len(sink.sent) == 1 and _messages(db) == 1
    other = client.post("/api/v1/messages", headers=tap, buffered=True,
                        json={"text": "Something else", "numbers": ["90012345"]})
    assert other.status_code == 409 and len(sink.sent) == 1
