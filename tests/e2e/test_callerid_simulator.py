"""The app simulator's who's-calling screens over real HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api.accounts.models import User
from api.callerid import services
from mobile_client_sim import AppClient
from mobile_client_sim import callerid as screens
from mobile_client_sim.__main__ import main as sim_main
from tests.support.api import PASSWORD, make_company
from tests.support.live import LiveServer
from tests.support.ports import answering


@pytest.fixture
def live(app, db, monkeypatch):
    answering(monkeypatch, app, db, presence=lambda _db, _t, ids: {},
              in_call_user_ids=lambda _db, _t, ids: set(),
              queue_target=lambda _db, _t, tid: None, main_number_target=lambda _db, _t, tid: None)
    with LiveServer(app) as server:
        yield server


def test_app_searches_looks_up_keeps_favourites_and_sees_who_it_missed(app, db, live):
    c = make_company(app)
    boss = AppClient(live.url)
    boss.login(c.admin_mobile, PASSWORD)
    boss.request("POST", "/api/v1/directory/contacts", json={
        "name": "Fjord Shipping", "company": "Fjord AS", "numbers": [{"number": "22334455"}]})
    phone = AppClient(live.url)
    phone.login(c.users["alice"], PASSWORD)

    found = screens.search_directory(phone, "fjord")
    assert [e["name"] for e in found] == ["Fjord Shipping"]
    assert "Fjord AS" in screens.describe_entry(found[0])
    assert screens.lookup(phone, "+47 22 33 44 55")["hit"]["name"] == "Fjord Shipping"

    bob = screens.search_directory(phone, "bob")[0]
    f1 = screens.add_favourite(phone, "colleague", target_id=bob["id"])
    f2 = screens.add_favourite(phone, "external", number="41234567", label="Taxi")
    assert [f["name"] for f in screens.reorder_favourites(phone, [f2["id"], f1["id"]])] == \
        ["Taxi", bob["name"]]
    screens.remove_favourite(phone, f2["id"])
    assert [f["id"] for f in screens.favourites(phone)] == [f1["id"]]

    alice = db.scalar(select(User).where(User.mobile == c.users["alice"]))
    services.record_call(db, c.tenant_id, alice.id, direction="incoming", status="missed",
                         other_number="22334455")
    missed = screens.call_log(phone, missed=True)
    assert "MISSED" in screens.describe_call(missed[0])
    assert "Fjord Shipping" in screens.describe_call(missed[0])
    screens.mark_handled(phone, missed[0]["id"])
    assert screens.call_log(phone, missed=True, open_only=True) == []


def test_simulator_cli_looks_up_numbers_and_lists_missed_calls(app, db, live, tmp_path, capsys):
    c = make_company(app)
    state = str(tmp_path / "cli.json")
    run = lambda *a: sim_main(["--api", live.url, "--state", state, *a])  # noqa: E731
    assert run("--password", PASSWORD, "login", c.users["alice"]) == 0
    assert run("lookup", c.users["bob"]) == 0
    assert "Bob" in capsys.readouterr().out
    assert run("lookup", "+4799999999") == 0
    assert "unknown number" in capsys.readouterr().out
    assert run("directory", "engineer") == 0
    assert "Alice" in capsys.readouterr().out
    assert run("favourite-add", "external", "41234567", "Taxi") == 0
    assert run("favourites") == 0
    assert "Taxi" in capsys.readouterr().out
    alice = db.scalar(select(User).where(User.mobile == c.users["alice"]))
    services.record_call(db, c.tenant_id, alice.id, direction="incoming", status="missed",
                         other_number=c.users["bob"])
    assert run("calls", "missed") == 0
    assert "MISSED" in capsys.readouterr().out
