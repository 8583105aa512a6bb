"""The app simulator's transfer flow against the API served over real HTTP."""
from __future__ import annotations

import re
from functools import partial

import pytest

from mobile_client_sim import ApiError, AppClient, transfer
from mobile_client_sim.__main__ import main as sim_main
from tests.support.api import PASSWORD, make_company
from tests.support.isolation_transfer import answered_call


@pytest.fixture
def alice(app, live):
    c = make_company(app, extra_users=("alice", "bob", "carol"))
    phone = AppClient(live.url)
    phone.login(c.users["alice"], PASSWORD)
    ids = {e["name"].split()[0]: e["id"] for e in
           phone.request("GET", "/api/v1/directory?kind=colleague")}
    phone.request("POST", "/api/v1/me/favourites", json={"kind": "colleague",
                                                         "target_id": ids["Carol"]})
    return {"phone": phone, "company": c, "ids": ids}


def test_transfer_to_a_favourite_takes_two_taps_and_two_requests(app, alice):
    phone = alice["phone"]
    call_id = answered_call(app, alice["company"].users["alice"])
    done = transfer.three_taps(phone, "Carol")
    assert done["taps"] == 2 and done["requests"] == 2
    t = done["transfer"]
    assert t["call_id"] == call_id and t["method"] == "with_return"
    assert t["target"]["id"] == alice["ids"]["Carol"]
    assert transfer.state(phone, t["id"])["state"] == "requested"


def test_a_long_press_picks_another_method_for_a_third_tap_and_no_extra_request(app, alice):
    phone = alice["phone"]
    answered_call(app, alice["company"].users["alice"])
    done = transfer.three_taps(phone, "Bob", "attended")
    assert done["taps"] == 3 and done["requests"] == 2
    assert done["transfer"]["method"] == "attended"
    with pytest.raises(ApiError):  # the target has not answered yet
        transfer.complete(phone, done["transfer"]["id"])
    assert transfer.cancel(phone, done["transfer"]["id"])["id"] == done["transfer"]["id"]


def test_the_cli_shows_the_screen_and_transfers_with_the_default_method(app, alice, live, db,
                                                                       tmp_path, capsys,
                                                                       monkeypatch):
    from api.transfer.services import transfer_progress

    answered_call(app, alice["company"].users["alice"])
    state = ["--api", live.url, "--state", str(tmp_path / "s.json")]
    assert sim_main([*state, "--password", PASSWORD, "login",
                     alice["company"].users["alice"]]) == 0
    assert sim_main([*state, "default-transfer", "blind"]) == 0
    assert sim_main([*state, "transfer-targets"]) == 0
    out = capsys.readouterr().out
    assert "* colleague" in out and "Carol" in out and "one tap transfers blind" in out

    shown = transfer.state

    def gateway_completes_once_shown(phone, transfer_id):
        """The app has opened its event stream and shows the transfer requested: now the
        gateway reports it completed, which the app hears on the stream."""
        now = shown(phone, transfer_id)
        transfer_progress(db, transfer_id, "completed", "answered")
        return now

    monkeypatch.setattr(transfer, "state", gateway_completes_once_shown)
    assert sim_main([*state, "transfer", "Carol"]) == 0  # follows it until it has ended
    out = capsys.readouterr().out
    assert "2 taps, 2 requests: blind transfer" in out
    assert re.search(r"transfer (\d+): requested\ntransfer \1: completed \(answered\)\n", out), out


def test_the_simulator_reloads_the_transfer_over_rest_when_its_stream_is_reset(app, alice, db,
                                                                             monkeypatch):
    """A stream that could not deliver its events says `reset` and ends: the app reads the
    transfer again over REST, listens on a new stream and still shows how it ended."""
    from api.events import hub
    from api.transfer.services import transfer_progress

    phone = alice["phone"]
    answered_call(app, alice["company"].users["alice"])
    requested = transfer.three_taps(phone, "Carol")["transfer"]
    monkeypatch.setattr(hub, "Stream", partial(hub.Stream, limit=0))  # any event overflows
    shown = transfer.state

    def gateway_completes_once_shown(app_client, transfer_id):
        now = shown(app_client, transfer_id)
        if now["state"] == "requested":
            transfer_progress(db, transfer_id, "completed", "answered")
        return now

    monkeypatch.setattr(transfer, "state", gateway_completes_once_shown)
    steps = list(transfer.follow(phone, requested["id"], timeout_s=30))
    assert [(s["state"], s["reason"]) for s in steps] == [
        ("requested", None), ("completed", "answered")]


def test_my_call_log_in_the_simulator_shows_to_whom_i_transferred_a_call(app, alice, db):
    from api.callerid.services import record_call
    from api.transfer.services import transfer_progress
    from mobile_client_sim import callerid

    phone, company = alice["phone"], alice["company"]
    call_id = answered_call(app, company.users["alice"], "+4791234567")
    t = phone.request("POST", f"/api/v1/me/calls/{call_id}/transfer",
                      json={"target": {"kind": "colleague", "id": alice["ids"]["Carol"]}})
    transfer_progress(db, t["id"], "returned", "no_answer")
    me = phone.request("GET", "/api/v1/me")["id"]
    record_call(db, company.tenant_id, me, direction="incoming", status="answered",
                other_number="+4791234567", call_id=f"call-{me}-+4791234567", look_up=False)
    line = callerid.describe_call(callerid.call_log(phone)[0])
    assert line.endswith(f"-> {t['target']['name']} (with return, returned)")

