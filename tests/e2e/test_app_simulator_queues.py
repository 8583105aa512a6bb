"""The app simulator's queue screen against the API served over real HTTP."""
from __future__ import annotations

import pytest

from api.queues import calls
from mobile_client_sim import AppClient, queues
from mobile_client_sim.__main__ import main as sim_main
from tests.support.api import PASSWORD, make_company


@pytest.fixture
def office(app, live):
    c = make_company(app, extra_users=("alice", "bob", "tina"), team_leader="tina")
    admin = AppClient(live.url)
    admin.login(c.admin_mobile, PASSWORD)
    ids = {u["mobile"]: u["id"] for u in admin.request("GET", "/api/v1/users")}
    qids = []
    for name in ("Support", "Sales"):
        q = admin.request("POST", "/api/v1/queues", json={"name": name})
        qids.append(q["id"])
        for who in ("alice", "bob"):
            admin.request("PUT", f"/api/v1/queues/{q['id']}/members/{ids[c.users[who]]}",
                          json={"priority": 0})
    phones = {}
    for who in ("alice", "bob", "tina"):
        phones[who] = AppClient(live.url)
        phones[who].login(c.users[who], PASSWORD)
    return {"company": c, "ids": {w: ids[m] for w, m in c.users.items()}, "queues": qids,
            "phones": phones}


def test_app_logs_in_to_one_queue_then_all_and_sees_live_status(office):
    alice = office["phones"]["alice"]
    support, sales = office["queues"]
    rows = {q["id"]: q for q in queues.log_in(alice, [support])}
    assert rows[support]["me"]["state"] == "available" and rows[sales]["me"]["state"] == "logged_out"
    assert rows[support]["logged_in"] == 1 and rows[support]["available"] == 1
    before = alice.requests_sent
    queues.log_in(alice)
    assert alice.requests_sent == before + 1  # all queues in one request
    assert all(q["me"]["logged_in"] for q in queues.my_queues(alice))
    assert not any(q["me"]["logged_in"] for q in queues.log_out(alice, [support, sales]))


def test_team_leader_logs_a_colleague_out_and_the_colleague_sees_it(office):
    tina, bob = office["phones"]["tina"], office["phones"]["bob"]
    queues.log_in(bob)
    queues.log_colleague(tina, office["ids"]["bob"], False)
    assert not any(q["me"]["logged_in"] for q in queues.my_queues(bob))
    assert len(queues.colleague_queues(tina, office["ids"]["bob"])) == 2


def test_app_works_the_callback_list_answered_and_unanswered(office, db):
    alice = office["phones"]["alice"]
    queues.log_in(alice)
    tenant = office["company"].tenant_id
    for number in ("+4791234567", "+4791234568"):
        entry = calls.enqueue(db, tenant, office["queues"][0], caller_number=number)
        calls.abandon(db, tenant, entry.call.id)
    first, second = queues.callbacks(alice)
    assert queues.call_back(alice, first["id"], answered=False)["attempts"] == 1
    queues.call_back(alice, second["id"], answered=True)
    left = queues.callbacks(alice)
    assert [(c["caller_number"], c["attempts"]) for c in left] == [("+4791234567", 1)]


def test_simulator_cli_shows_the_queue_screen_and_logs_in(office, live, tmp_path, capsys):
    state = str(tmp_path / "cli.json")
    c = office["company"]
    assert sim_main(["--api", live.url, "--state", state, "--password", PASSWORD,
                     "login", c.users["alice"]]) == 0
    assert sim_main(["--api", live.url, "--state", state, "queue-login", "all"]) == 0
    out = capsys.readouterr().out
    assert "Support" in out and "available" in out
    assert sim_main(["--api", live.url, "--state", state, "queue-logout",
                     str(office["queues"][1])]) == 0
    lines = {ln.split()[1]: ln for ln in capsys.readouterr().out.splitlines()}
    assert "logged_out" in lines["Sales"] and "available" in lines["Support"]


def test_simulator_switchboard_lists_picks_and_assigns_waiting_calls(office, live, db, tmp_path,
                                                                       capsys):
    tenant, support = office["company"].tenant_id, office["queues"][0]
    for who in ("alice", "bob"):
        queues.log_in(office["phones"][who])
    first = calls.enqueue(db, tenant, support, caller_number="+4791234567").call.id
    second = calls.enqueue(db, tenant, support, caller_number="+4791234568").call.id
    c, state = office["company"], str(tmp_path / "cli.json")
    assert sim_main(["--api", live.url, "--state", state, "--password", PASSWORD,
                     "login", c.users["alice"]]) == 0
    assert sim_main(["--api", live.url, "--state", state, "waiting"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "Support" in ln]
    assert [int(ln.split()[0]) for ln in lines] == [first, second]
    assert sim_main(["--api", live.url, "--state", state, "pick", str(second)]) == 0
    assert "now rings only you" in capsys.readouterr().out
    assert calls.ring_next(db, tenant, second).ring == (office["ids"]["alice"],)
    tina = str(tmp_path / "tina.json")
    assert sim_main(["--api", live.url, "--state", tina, "--password", PASSWORD,
                     "login", c.users["tina"]]) == 0
    assert sim_main(["--api", live.url, "--state", tina, "assign", str(first),
                     str(office["ids"]["bob"])]) == 0
    assert f"user {office['ids']['bob']}" in capsys.readouterr().out
    assert calls.ring_next(db, tenant, first).ring == (office["ids"]["bob"],)
