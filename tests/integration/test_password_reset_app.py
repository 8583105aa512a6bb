"""Password reset from the app and the web page: codes, limits, policy, e-mail over SMTP."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.accounts.models import AuditEvent
from api.core import clock
from tests.support.api import PASSWORD, auth, make_company
from tests.support.sms import (code_of, give_service_number, link_of, reset_config,  # noqa: F401
                               set_user, sink, smtp_server)

ASK = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"


def _ask(client, username):
    return client.post(ASK, json={"username": username}, buffered=True)


def _confirm(client, username, code, new_password="new-pass-1"):
    return client.post(CONFIRM, json={"username": username, "code": code,
                                      "new_password": new_password})


def test_new_password_in_the_app_answers_202_whether_or_not_the_number_exists(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    known, unknown = _ask(client, c.users["alice"]), _ask(client, "+4799999997")
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert [m["to"] for m in sink.sent] == [c.users["alice"]]


def test_first_login_without_a_password_works_with_the_code(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    set_user(app, c.users["bob"], password_hash=None)
    _ask(client, c.users["bob"][3:])  # typed without +47
    r = _confirm(client, c.users["bob"], code_of(sink.sent[0]["text"]), "first-pass")
    assert r.status_code == 200 and r.get_json()["user"]["mobile"] == c.users["bob"]
    assert client.post("/api/v1/auth/login", json={"username": c.users["bob"],
                                                  "password": "first-pass"}).status_code == 200


def test_the_code_works_once(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    _ask(client, c.users["alice"])
    code = code_of(sink.sent[0]["text"])
    assert _confirm(client, c.users["alice"], code).status_code == 200
    r = _confirm(client, c.users["alice"], code, "other-pass")
    assert r.status_code == 400 and r.content_type == "application/problem+json"


def test_the_code_expires_after_15_minutes(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    _ask(client, c.users["alice"])
    clock.freeze(clock.now() + timedelta(minutes=15, seconds=1))
    assert _confirm(client, c.users["alice"], code_of(sink.sent[0]["text"])).status_code == 400


def test_five_wrong_codes_make_the_right_one_useless(app, client, db, sink):
    c = make_company(app)
    give_service_number(app, c)
    _ask(client, c.users["alice"])
    code = code_of(sink.sent[0]["text"])
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        assert _confirm(client, c.users["alice"], wrong).status_code == 400
    assert _confirm(client, c.users["alice"], code).status_code == 400
    assert db.scalar(select(AuditEvent.kind).where(
        AuditEvent.kind == "password_reset_code_voided")) is not None


def test_a_wrong_code_unknown_user_and_no_request_answer_alike(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    _ask(client, c.users["alice"])
    answers = [_confirm(client, c.users["alice"], "000000x"), _confirm(client, "+4799999996", "1"),
               _confirm(client, c.users["bob"], "123456")]
    assert {(r.status_code, r.get_json()["detail"]) for r in answers} == {
        (400, answers[0].get_json()["detail"])}


def test_the_strict_policy_refuses_a_weak_password_and_the_code_stays_usable(app, client, sink):
    c = make_company(app, policy="strict")
    give_service_number(app, c)
    _ask(client, c.users["alice"])
    code = code_of(sink.sent[0]["text"])
    r = _confirm(client, c.users["alice"], code, "abc12abc")
    assert r.status_code == 422 and "no_repeated_sequence" in r.get_json()["errors"]["rules"]
    assert _confirm(client, c.users["alice"], code, "Ab11ab12x").status_code == 200


def test_the_app_request_shares_the_hourly_limit_with_the_sms_command(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    for _ in range(4):
        assert _ask(client, c.users["alice"]).status_code == 202
    assert len(sink.sent) == 3


def test_checking_codes_is_limited_per_client_address(app, client, sink, reset_config):
    reset_config(confirm_ip_limit=3)
    for _ in range(3):
        assert _confirm(client, "+4799999996", "123456").status_code == 400
    r = _confirm(client, "+4799999996", "123456")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_without_a_reachable_mobile_the_code_goes_by_email(app, client, sink, smtp_server,
                                                           reset_config):
    port, mailbox = smtp_server
    reset_config(smtp_host="127.0.0.1", smtp_port=port, smtp_from="pbx@example.test")
    c = make_company(app)  # no SMS service number: SMS cannot reach anyone
    set_user(app, c.users["alice"], email="alice@example.test")
    assert _ask(client, c.users["alice"]).status_code == 202
    [mail] = mailbox.messages
    assert mail["To"] == "alice@example.test" and mail["From"] == "pbx@example.test"
    body = mail.get_content()
    assert c.users["alice"] in body  # standard policy: the login may be named
    assert sink.sent == []
    assert _confirm(client, c.users["alice"], body.split("Code: ")[1][:6]).status_code == 200


def test_under_the_strict_policy_the_email_never_names_the_login(app, client, sink, smtp_server,
                                                                 reset_config):
    port, mailbox = smtp_server
    reset_config(smtp_host="127.0.0.1", smtp_port=port)
    c = make_company(app, policy="strict")
    set_user(app, c.users["alice"], email="alice@example.test")
    _ask(client, c.users["alice"])
    body = mailbox.messages[0].get_content()
    assert "Code: " in body and c.users["alice"] not in body and c.users["alice"][3:] not in body


def test_after_a_failed_sms_the_code_goes_by_email(app, client, db, sink, smtp_server,
                                                   reset_config):
    from api.sms.models import SmsOutbound
    port, mailbox = smtp_server
    reset_config(smtp_host="127.0.0.1", smtp_port=port)
    c = make_company(app)
    give_service_number(app, c)
    set_user(app, c.users["alice"], email="alice@example.test")
    _ask(client, c.users["alice"])
    ref = db.scalar(select(SmsOutbound.ref))
    client.get("/api/v1/sms/reports", query_string={"ref": ref, "type": "2"})
    _ask(client, c.users["alice"])
    assert len(sink.sent) == 1 and len(mailbox.messages) == 1


def test_the_link_opens_a_form_that_sets_the_password(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    old = auth(client, c.users["alice"])
    _ask(client, c.users["alice"])
    path = "/reset/" + link_of(sink.sent[0]["text"]).rsplit("/reset/", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and b"<form" in page.data and b"<script" not in page.data
    assert page.headers["Cache-Control"] == "no-store"
    r = client.post(path, data={"new_password": "abc", "new_password_again": "abcd"})
    assert r.status_code == 422 and b"not the same" in r.data
    r = client.post(path, data={"new_password": "web-pass", "new_password_again": "web-pass"})
    assert r.status_code == 200 and b"Password changed" in r.data
    assert client.get("/api/v1/me", headers=old).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": c.users["alice"],
                                                  "password": "web-pass"}).status_code == 200
    assert client.get(path).status_code == 404  # used


def test_the_page_applies_the_strict_policy(app, client, sink):
    c = make_company(app, policy="strict")
    give_service_number(app, c)
    _ask(client, c.users["alice"])
    path = "/reset/" + link_of(sink.sent[0]["text"]).rsplit("/reset/", 1)[1]
    r = client.post(path, data={"new_password": "short", "new_password_again": "short"})
    assert r.status_code == 422 and b"at least 8 characters" in r.data
    assert client.post("/api/v1/auth/login", json={"username": c.users["alice"],
                                                  "password": PASSWORD}).status_code == 200


def test_the_page_names_the_policys_refusals_in_the_users_language(app, client, sink):
    c = make_company(app, policy="strict", language="sv")
    set_user(app, c.users["alice"], language="nb")
    give_service_number(app, c)
    _ask(client, c.users["alice"])
    path = "/reset/" + link_of(sink.sent[0]["text"]).rsplit("/reset/", 1)[1]
    r = client.post(path, data={"new_password": "short", "new_password_again": "short"},
                    headers={"Accept-Language": "fi"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and r.headers["Content-Language"] == "nb"
    assert "må ha minst 8 tegn" in page and "må inneholde både bokstaver og sifre" in page
    assert "at least 8 characters" not in page


def test_an_unknown_link_shows_that_it_expired(app, client):
    assert client.get("/reset/not-a-token").status_code == 404
    r = client.post("/reset/not-a-token", data={"new_password": "x", "new_password_again": "x"})
    assert r.status_code == 404 and b"expired" in r.data
