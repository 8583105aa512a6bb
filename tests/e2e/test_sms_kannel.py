"""Password reset by SMS through a real Kannel (bearerbox + smsbox + fake SMSC).

The test plays the handsets over the fake SMSC socket; the API is served on a free port
where Kannel's sms-service and delivery reports reach it.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api.sms.models import SmsInbound, SmsOutbound
from mobile_client_sim import ApiError, AppClient
from mobile_client_sim.__main__ import main as sim_main
from mobile_client_sim.passwordreset import (code_in, forgot_password, forgot_password_by_sms,
                                             reset_password)
from tests.support.api import PASSWORD, make_company
from tests.support.kannel import handset, kannel, live, watch  # noqa: F401
from tests.support.sms import give_service_number


def _company(app):
    c = make_company(app, extra_users=("alice", "bob", "carl"))
    return c, give_service_number(app, c)


def test_a_registered_user_texts_password_and_the_code_from_the_reply_resets_it(
        app, live, watch, handset, db):
    c, service = _company(app)
    alice = c.users["alice"]
    tablet = AppClient(live.url)
    tablet.login(alice, PASSWORD)
    reports = watch.count("reports")
    code = forgot_password_by_sms(handset, alice, service)
    phone = AppClient(live.url)
    reset_password(phone, alice, code, "from-sms-1")
    assert phone.me()["mobile"] == alice
    with pytest.raises(ApiError) as err:
        tablet.me()
    assert err.value.status == 401
    watch.wait("reports", reports + 2)  # accepted by the SMSC, then delivered
    assert db.scalar(select(SmsOutbound.state).where(SmsOutbound.to_number == alice)) \
        == "delivered"


def test_the_reply_comes_from_the_service_number_without_the_login(app, handset):
    c, service = _company(app)
    handset.send(c.users["bob"], service, "password")
    sender, text = handset.receive(c.users["bob"])
    assert sender == service and code_in(text) and c.users["bob"] not in text


def test_an_unknown_number_texts_password_and_receives_nothing(app, watch, handset, db):
    c, service = _company(app)
    stranger = "+4798765432"
    calls = watch.count("inbound")
    handset.send(stranger, service, "PASSWORD")
    watch.wait("inbound", calls + 1)
    handset.send(c.users["alice"], service, "PASSWORD")  # a marker that does get an answer
    handset.receive(c.users["alice"])
    assert handset.pending(stranger) == 0
    assert db.scalar(select(SmsOutbound.id).where(SmsOutbound.to_number == stranger)) is None
    assert db.scalar(select(SmsInbound.outcome).where(SmsInbound.sender == stranger)) \
        == "unknown_sender"


def test_a_retried_delivery_resets_only_once(app, watch, handset, db):
    c, service = _company(app)
    carl = c.users["carl"]
    calls = watch.count("inbound")
    watch.lose_next_answer = 1  # handled, but Kannel sees an error and retries
    handset.send(carl, service, "PASSWORD")
    watch.wait("inbound", calls + 2)
    _from, first = handset.receive(carl)
    assert code_in(first)
    handset.send(carl, service, "hello")  # marker: the help text comes after any other reply
    _from, marker = handset.receive(carl)
    assert "To reset your password" in marker
    assert len(db.scalars(select(SmsInbound).where(SmsInbound.sender == carl)).all()) == 2
    assert db.scalars(select(SmsOutbound.purpose).where(SmsOutbound.to_number == carl)).all() \
        == ["password_reset", "help"]


def test_the_hourly_limit_holds_through_the_gateway(app, watch, handset, db):
    c, service = _company(app)
    bob = c.users["bob"]
    calls = watch.count("inbound")
    for _ in range(4):
        handset.send(bob, service, "PASSWORD")
    watch.wait("inbound", calls + 4)
    codes = [code_in(handset.receive(bob)[1]) for _ in range(3)]
    assert all(codes)
    handset.send(bob, service, "hello")
    assert "To reset your password" in handset.receive(bob)[1]
    outcomes = sorted(db.scalars(select(SmsInbound.outcome).where(SmsInbound.sender == bob)))
    assert outcomes == ["help_sent", "rate_limited", "reset_sent", "reset_sent", "reset_sent"]


def test_the_simulator_asks_in_the_app_and_the_code_arrives_by_sms(app, live, handset):
    c, _service = _company(app)
    phone = AppClient(live.url)
    assert forgot_password(phone, c.users["alice"])["status"] == "accepted"
    _from, text = handset.receive(c.users["alice"])
    reset_password(phone, c.users["alice"], code_in(text), "via-app-1")
    assert phone.me()["mobile"] == c.users["alice"]


def test_the_simulator_cli_resets_by_sms_playing_the_phone(app, live, kannel, db, capsys,
                                                           tmp_path):
    c, service = _company(app)
    assert sim_main(["--api", live.url, "--state", str(tmp_path / "s.json"), "sms-reset", f"127.0.0.1:{kannel.smsc_port}",
                     c.users["bob"], service, "cli-pass-1"]) == 0
    out = capsys.readouterr().out
    assert "SMS reply received with code" in out and "password set" in out
    assert AppClient(live.url).login(c.users["bob"], "cli-pass-1")["user"]["mobile"] \
        == c.users["bob"]


def test_the_simulator_cli_asks_for_a_code_and_sets_the_password(app, live, handset, capsys,
                                                                 tmp_path):
    c, _service = _company(app)
    carl, state = c.users["carl"], str(tmp_path / "s.json")
    assert sim_main(["--api", live.url, "--state", state, "forgot-password", carl]) == 0
    assert "code is on its way" in capsys.readouterr().out
    code = code_in(handset.receive(carl)[1])
    assert sim_main(["--api", live.url, "--state", state, "reset-password", carl, "000000x",
                     "cli-pass-2"]) == 1
    assert sim_main(["--api", live.url, "--state", state, "reset-password", carl, code,
                     "cli-pass-2"]) == 0
    assert "password set; logged in as Carl" in capsys.readouterr().out
    assert sim_main(["--api", live.url, "--state", state, "me"]) == 0
