"""Messages from the app through a real Kannel (bearerbox + smsbox + fake SMSC): the handsets
are played over the fake SMSC socket, delivery reports come back over HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.accounts.models import User
from api.messages.models import Message
from mobile_client_sim import ApiError, AppClient
from mobile_client_sim.__main__ import main as sim_main
from mobile_client_sim.messages import follow, preview, send
from tests.support.api import PASSWORD, make_company
from tests.support.kannel import handset, kannel, live, watch  # noqa: F401
from tests.support.sms import give_service_number

CLIENT_A, CLIENT_B = "+4791100001", "+4791100002"


def _company(app, live):
    c = make_company(app, extra_users=("alice", "bob", "carl"), team_leader="alice")
    admin = AppClient(live.url)
    admin.login(c.admin_mobile, PASSWORD)
    admin.request("PUT", "/api/v1/messages/settings", json={"sender_name": "ACME"})
    alice = AppClient(live.url)
    alice.login(c.users["alice"], PASSWORD)
    return c, admin, alice


def _ids(db, *mobiles):
    return [db.scalar(select(User.id).where(User.mobile == m)) for m in mobiles]


def test_a_message_to_a_group_reaches_every_member_from_the_company_and_reports_delivery(
        app, live, handset, db):
    c, _admin, alice = _company(app, live)
    bob, carl = _ids(db, c.users["bob"], c.users["carl"])
    group = alice.request("POST", "/api/v1/messages/groups", json={
        "name": "Project", "members": {"user_ids": [bob, carl],
                                       "numbers": ["911 00 001", "+47 911 00 002"]}})
    text = "The meeting moves to 14:00 in room 3."
    msg = send(alice, text, {"group_ids": [group["id"]]})
    assert len(msg["recipients"]) == 4
    for number in (c.users["bob"], c.users["carl"], CLIENT_A, CLIENT_B):
        assert handset.receive(number) == ("ACME", text)
    done = follow(alice, msg["id"])
    assert {r["number"]: r["state"] for r in done["recipients"]} == {
        c.users["bob"]: "delivered", c.users["carl"]: "delivered",
        CLIENT_A: "delivered", CLIENT_B: "delivered"}
    history = alice.request("GET", "/api/v1/me/messages")
    assert history[0]["id"] == msg["id"] and history[0]["states"] == {"delivered": 4}


@pytest.mark.parametrize("text", [
    # Norwegian letters are GSM-7; the check mark and the emoji make it UCS-2: 3 parts of 67
    "Hei! Møtet i morgen er flyttet til 14:00 i rom 3 ✓ Ta med deg rapporten og "
    "budsjettet for neste år, så går vi gjennom begge sammen med økonomi 😀 Vel møtt!",
    # GSM-7 with extension characters counting double: 2 parts of 153
    "Prisen er nå 1 200 € [inkl. mva] for {alle} deltakere; svar ~ja~ eller ~nei~ | "
    "spørsmål til kontoret. " * 2,
])
def test_a_long_text_is_counted_and_split_as_the_phone_does(app, live, handset, text):
    c, _admin, alice = _company(app, live)
    count = preview(alice, text)
    assert count["parts"] > 1
    msg = send(alice, text, {"numbers": [CLIENT_A]})
    assert (msg["encoding"], msg["parts"]) == (count["encoding"], count["parts"])
    assert handset.receive(CLIENT_A) == ("ACME", text)
    assert handset.parts[CLIENT_A][-1] == count["parts"]


def test_a_number_that_texted_stop_gets_nothing_and_the_others_still_do(app, live, watch,
                                                                        handset, db):
    c, _admin, alice = _company(app, live)
    service = give_service_number(app, c)
    calls = watch.count("inbound")
    handset.send(CLIENT_B, service, "Stop")
    watch.wait("inbound", calls + 1)
    msg = send(alice, "Sale starts Monday", {"numbers": [CLIENT_A, CLIENT_B]})
    assert handset.receive(CLIENT_A) == ("ACME", "Sale starts Monday")
    done = follow(alice, msg["id"])
    assert {r["number"]: r["state"] for r in done["recipients"]} == {
        CLIENT_A: "delivered", CLIENT_B: "opted_out"}
    assert handset.pending(CLIENT_B) == 0  # neither the message nor a help text


def test_refused_messages_are_clear_and_nothing_is_lost_or_sent(app, live, handset, db):
    c, admin, alice = _company(app, live)
    other = make_company(app)
    foreign = _ids(db, other.users["alice"])[0]
    before = db.scalar(select(func.count()).select_from(Message))
    for body, status, words in (
            ({"user_ids": [foreign]}, 422, "no such colleagues"),
            ({"numbers": ["12"]}, 422, "not valid phone numbers"),
            ({"numbers": [CLIENT_A], "text": " "}, 422, "text"),
            ({"numbers": [CLIENT_A], "sender": "+4790000000"}, 422, "may not send as")):
        with pytest.raises(ApiError) as err:
            alice.request("POST", "/api/v1/messages", json={"text": "Hi", **body})
        assert err.value.status == status and words in str(err.value.problem), body
    sent = send(alice, "Still works", {"numbers": [CLIENT_A]})
    assert handset.receive(CLIENT_A) == ("ACME", "Still works")
    assert db.scalar(select(func.count()).select_from(Message)) == before + 1
    assert follow(alice, sent["id"])["recipients"][0]["state"] == "delivered"
    assert handset.pending(CLIENT_A) == 0


def test_over_the_limit_nothing_is_sent_and_what_went_before_is_delivered(app, live, handset,
                                                                          db):
    from dataclasses import replace

    from api.messages.services import config
    from tests.support.sms import swap_extension
    c, _admin, alice = _company(app, live)
    restore = swap_extension(app, "messages", replace(config(app), user_per_hour=2))
    try:
        first = send(alice, "One of two", {"numbers": [CLIENT_A, CLIENT_B]})
        with pytest.raises(ApiError) as err:
            send(alice, "Too many", {"numbers": [CLIENT_A]})
    finally:
        restore()
    assert err.value.status == 429 and "nothing was sent" in err.value.problem["detail"]
    assert handset.receive(CLIENT_A) == ("ACME", "One of two")
    assert handset.receive(CLIENT_B) == ("ACME", "One of two")
    assert follow(alice, first["id"])["states"] == {"delivered": 2}
    assert handset.pending(CLIENT_A) == 0


def test_the_simulator_sends_and_follows_delivery(app, live, handset, capsys, tmp_path):
    c, _admin, _alice = _company(app, live)
    state = str(tmp_path / "s.json")
    assert sim_main(["--api", live.url, "--state", state, "--password", PASSWORD, "login",
                     c.users["alice"]]) == 0
    assert sim_main(["--api", live.url, "--state", state, "send-sms", "Lunch is ready ✓",
                     CLIENT_A, "wait:20"]) == 0
    out = capsys.readouterr().out
    assert "16 characters, UCS-2, 1 SMS (54 left in the last)" in out
    assert f"{CLIENT_A}: delivered" in out
    assert handset.receive(CLIENT_A) == ("ACME", "Lunch is ready ✓")
    assert sim_main(["--api", live.url, "--state", state, "send-sms", "Hi", "user:999999"]) == 1
    assert "no such colleagues" in capsys.readouterr().err
    assert sim_main(["--api", live.url, "--state", state, "sms-history"]) == 0
    assert "Lunch is ready" in capsys.readouterr().out
