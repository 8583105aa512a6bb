"""The app simulator places a call and calls back a queue's missed caller over real HTTP:
the command the gateway would take, and the outcome the app hears on its event stream."""
from __future__ import annotations

import threading

from mobile_client_sim.cli import main as sim_main
from tests.support.api import PASSWORD, make_company
from tests.support.sip import wait_until


def _gateway_finishes(app, gateway_id: str, result: str) -> threading.Thread:
    """Stands in for the gateway: claims the call command and reports its outcome."""
    from api.calls import services

    def run():
        with app.extensions["session_factory"]() as db:
            claimed = wait_until(lambda: services.claim_commands(db, gateway_id),
                                 what="the call command")
            services.finish_command(db, claimed[0][0], "done", result)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_call_prints_whom_it_dials_from_which_device_and_the_outcome(app, live, db, tmp_path,
                                                                       capsys):
    from api.calls import wakeup

    c = make_company(app)
    wakeup.register(db, "gw-sim-call", "127.0.0.1", 9)
    state = str(tmp_path / "s.json")
    assert sim_main(["--api", live.url, "--state", state, "--password", PASSWORD, "login",
                     c.users["alice"]]) == 0
    gateway = _gateway_finishes(app, "gw-sim-call", "bridged")
    assert sim_main(["--api", live.url, "--state", state, "call", "22 33 44 55",
                     "--from", c.users["alice"]]) == 0
    gateway.join(5)
    out = capsys.readouterr().out
    assert f"calling +4722334455 from your mobile, showing {c.users['alice']}" in out
    assert '"result": "bridged"' in out
    assert sim_main(["--api", live.url, "--state", state, "call", "22 33 44 55",
                     "--device", "deskphone"]) == 2   # she has none: says which she has
    assert sim_main(["--api", live.url, "--state", state, "call", "+4722334455",
                     "--from", "+4799999999"]) == 1   # not hers to show
    assert "display_number" in capsys.readouterr().err


def test_callback_calls_a_queues_missed_caller_back_showing_the_queues_number(app, live, db,
                                                                              tmp_path, capsys):
    from sqlalchemy import select

    from api.accounts.models import Tenant, User
    from api.calls import wakeup
    from api.queues import callbacks, services as queues

    c = make_company(app)
    wakeup.register(db, "gw-sim-callback", "127.0.0.1", 9)
    alice = db.scalar(select(User).where(User.mobile == c.users["alice"]))
    tenant = db.get(Tenant, alice.tenant_id)
    queue = queues.create_queue(db, tenant, {"name": "Support", "number": "+4723999005",
                                             "callback_shows_number": True})
    queues.set_member(db, queue, alice.id, {"priority": 0})
    entry = callbacks.add_callback(db, tenant, queue, "+4791112277", None)
    state = str(tmp_path / "s.json")
    assert sim_main(["--api", live.url, "--state", state, "--password", PASSWORD, "login",
                     alice.mobile]) == 0
    gateway = _gateway_finishes(app, "gw-sim-callback", "bridged")
    assert sim_main(["--api", live.url, "--state", state, "callback", str(entry.id)]) == 0
    gateway.join(5)
    assert "calling +4791112277 from your mobile, showing +4723999005" in capsys.readouterr().out
