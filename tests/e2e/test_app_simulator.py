"""The app simulator against the API served over real HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest

from api.core import clock
from mobile_client_sim import ApiError, AppClient
from mobile_client_sim.__main__ import main as sim_main
from tests.support.api import PASSWORD, make_company


def test_app_logs_in_shows_me_and_keeps_the_session_alive_across_token_expiry(app, live, tmp_path):
    c = make_company(app)
    phone = AppClient(live.url, state_file=tmp_path / "s.json")
    phone.login(c.users["alice"][3:], PASSWORD)
    assert phone.me()["mobile"] == c.users["alice"]
    clock.freeze(clock.now() + timedelta(hours=2))  # the access token has long expired
    assert phone.me()["first_name"] == "Alice"      # refreshed silently
    # a new process of the app picks the session up from its state file
    again = AppClient(live.url, state_file=tmp_path / "s.json")
    assert again.me()["mobile"] == c.users["alice"]


def test_app_changes_the_password_and_the_other_phone_is_logged_out(app, live, tmp_path):
    c = make_company(app)
    phone = AppClient(live.url)
    tablet = AppClient(live.url)
    phone.login(c.users["bob"], PASSWORD)
    tablet.login(c.users["bob"], PASSWORD)
    phone.change_password(PASSWORD, "brand-new")
    with pytest.raises(ApiError) as err:
        tablet.me()
    assert err.value.status == 401
    assert phone.me()["mobile"] == c.users["bob"]


def test_simulator_cli_logs_in_and_prints_me(app, live, tmp_path, capsys):
    c = make_company(app)
    state = str(tmp_path / "cli.json")
    assert sim_main(["--api", live.url, "--state", state, "--password", PASSWORD,
                     "login", c.users["alice"]]) == 0
    assert "logged in as Alice" in capsys.readouterr().out
    assert sim_main(["--api", live.url, "--state", state, "me"]) == 0
    assert c.users["alice"] in capsys.readouterr().out
    assert sim_main(["--api", live.url, "--state", state, "--password", "bad",
                     "login", c.users["alice"]]) == 1


def test_the_simulator_started_as_users_start_it_has_every_features_commands(app, live,
                                                                            tmp_path):
    """`python -m mobile_client_sim`, a process of its own: the features' commands are there
    and work (the registry must not be a second copy of the module run as __main__)."""
    import subprocess
    import sys

    c = make_company(app)
    state = str(tmp_path / "s.json")

    def sim(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mobile_client_sim", "--api", live.url,
                               "--state", state, "--password", PASSWORD, *args],
                              capture_output=True, text=True, timeout=60)

    listed = sim("--help").stdout
    for name in ("queues", "availability", "transfer", "lookup", "push-listen", "sms-reset"):
        assert name in listed
    assert sim("login", c.users["alice"]).returncode == 0
    shown = sim("queues")
    assert shown.returncode == 0 and shown.stdout.strip() == "no queues"  # in none yet
