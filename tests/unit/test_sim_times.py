"""The app simulator reads end times the way a person types them and shows them as a clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mobile_client_sim.availability import short_time, until_from

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def test_a_clock_time_is_the_next_such_time_on_the_phones_clock():
    for typed in ("13:00", "8:30", "00:00"):
        at = datetime.fromisoformat(until_from(typed, NOW))
        hours, minutes = (int(x) for x in typed.split(":"))
        local = at.astimezone()
        assert (local.hour, local.minute) == (hours, minutes)
        assert NOW < at <= NOW + timedelta(days=1)


def test_minutes_hours_and_iso_times_keep_working():
    assert datetime.fromisoformat(until_from("45m", NOW)) == NOW + timedelta(minutes=45)
    assert datetime.fromisoformat(until_from("2h", NOW)) == NOW + timedelta(hours=2)
    assert until_from("2026-12-07T13:00:00+01:00", NOW) == "2026-12-07T13:00:00+01:00"
    assert datetime.fromisoformat(until_from("2026-12-07T13:00", NOW)).tzinfo is not None


@pytest.mark.parametrize("typed", ["24:00", "13:60", "1300", "soon", "13:0", "-5m"])
def test_what_is_not_a_time_is_refused_with_the_accepted_forms(typed):
    with pytest.raises(ValueError, match="13:00"):
        until_from(typed, NOW)


def test_an_end_time_shows_as_a_clock_time_today_and_with_the_day_later():
    today = NOW.astimezone().replace(hour=13, minute=0)
    assert short_time(today.isoformat(), NOW) == "13:00"
    later = datetime(2026, 12, 20, 11, 30, tzinfo=timezone.utc).astimezone()
    assert short_time("2026-12-20T11:30:00+00:00", NOW) == \
        f"{later:%a} {later.day} {later:%b} {later:%H:%M}"
    assert short_time(None) == ""
