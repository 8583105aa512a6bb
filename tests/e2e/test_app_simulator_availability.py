"""The app simulator's availability screen against the API over real HTTP."""
from __future__ import annotations

from mobile_client_sim import AppClient
from mobile_client_sim import availability as screen
from mobile_client_sim.__main__ import main as sim_main
from tests.support.api import PASSWORD, make_company


def test_app_goes_to_lunch_for_45_minutes_and_previews_the_call(app, live):
    c = make_company(app)
    phone = AppClient(live.url)
    phone.login(c.users["alice"], PASSWORD)
    assert screen.my_availability(phone)["profile"]["key"] == "available"
    state = screen.set_availability(phone, "Lunch", "45m", "Canteen")
    assert (state["profile"]["name"], state["note"], state["source"]) == \
        ("Lunch", "Canteen", "manual")
    assert state["until"] is not None
    lines = screen.describe(screen.preview(phone, "+4791111111"))
    assert lines[1].startswith("announce: The person you are calling is at lunch until ")
    assert lines[2].startswith(f"ring mobile {c.users['alice']} for 20 s")
    assert lines[3] == "voicemail"


def test_simulator_cli_sets_do_not_disturb_and_shows_the_busy_tone(app, live, tmp_path,
                                                                    capsys):
    c = make_company(app)
    state = str(tmp_path / "cli.json")
    base = ["--api", live.url, "--state", state]
    assert sim_main(base + ["--password", PASSWORD, "login", c.users["bob"]]) == 0
    assert sim_main(base + ["set-availability", "dnd"]) == 0
    assert "Do not disturb [manual]" in capsys.readouterr().out
    assert sim_main(base + ["preview"]) == 0
    assert "busy_tone" in capsys.readouterr().out
    assert sim_main(base + ["availability"]) == 0
    assert "*87" in capsys.readouterr().out


def test_simulator_cli_goes_into_a_meeting_until_a_clock_time(app, live, tmp_path, capsys):
    from datetime import datetime, timedelta
    c = make_company(app)
    state = str(tmp_path / "cli.json")
    base = ["--api", live.url, "--state", state]
    assert sim_main(base + ["--password", PASSWORD, "login", c.users["alice"]]) == 0
    capsys.readouterr()
    assert sim_main(base + ["set-availability", "In a meeting", "13:00"]) == 0
    out = capsys.readouterr().out
    assert "In a meeting until " in out and "13:00" in out and "[manual]" in out
    phone = AppClient(live.url, state_file=tmp_path / "cli.json")
    until = datetime.fromisoformat(screen.my_availability(phone)["until"]).astimezone()
    now = datetime.now().astimezone()
    assert (until.hour, until.minute) == (13, 0) and now < until <= now + timedelta(days=1)


def test_simulator_cli_explains_an_end_time_it_cannot_read(app, live, tmp_path, capsys):
    c = make_company(app)
    state = str(tmp_path / "cli.json")
    base = ["--api", live.url, "--state", state]
    assert sim_main(base + ["--password", PASSWORD, "login", c.users["alice"]]) == 0
    capsys.readouterr()
    for bad in ("25:00", "soon"):
        assert sim_main(base + ["set-availability", "lunch", bad]) == 2
        err = capsys.readouterr().err
        assert f"'{bad}' is not an end time" in err and "13:00" in err
    assert sim_main(base + ["set-availability", "siesta"]) == 2
    assert "no profile called 'siesta'" in capsys.readouterr().err
    assert screen.my_availability(AppClient(live.url, state_file=tmp_path / "cli.json")
                                  )["profile"]["key"] == "available"



def test_simulator_previews_a_call_to_my_mobile_number(app, live, tmp_path, capsys):
    c = make_company(app)
    base = ["--api", live.url, "--state", str(tmp_path / "cli.json")]
    assert sim_main(base + ["--password", PASSWORD, "login", c.users["alice"]]) == 0
    capsys.readouterr()
    assert sim_main(base + ["preview", "91234567", "mobile"]) == 0
    shown = capsys.readouterr().out
    assert "called on the mobile number" in shown and f"mobile {c.users['alice']}" in shown
    assert sim_main(base + ["preview", "91234567"]) == 0
    assert "called on the" not in capsys.readouterr().out
