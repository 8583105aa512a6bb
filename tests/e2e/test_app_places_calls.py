"""The app simulator places a call over real HTTP:
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
