"""Which calendar feed hosts the API may read (no network: addresses are literals)."""
from __future__ import annotations

import pytest

from api.availability.calendar_sync import busy_periods, check_host
from api.config import Settings
from api.core.errors import ValidationFailed


@pytest.mark.parametrize("url", ["http://127.0.0.1/cal.ics", "http://10.1.2.3/cal.ics",
                                 "http://[::1]/cal.ics", "http://169.254.169.254/latest",
                                 "webcal://192.168.0.10/cal.ics"])
def test_feeds_from_private_or_loopback_addresses_are_refused(url):
    with pytest.raises(ValidationFailed):
        check_host(url, Settings(env="production"))


def test_a_public_address_is_read_and_webcal_becomes_https():
    assert check_host("webcal://8.8.8.8/cal.ics", Settings()) == "https://8.8.8.8/cal.ics"


def test_hosts_the_operator_allows_skip_the_address_rule_and_others_still_obey_it():
    settings = Settings(extra={"PBX_CALENDAR_HOSTS": "cal.internal, 10.0.0.5"})
    assert check_host("http://10.0.0.5/x.ics", settings)
    assert check_host("http://8.8.8.8/x.ics", settings)
    with pytest.raises(ValidationFailed):
        check_host("http://10.0.0.6/x.ics", settings)


def test_floating_times_are_read_in_the_company_time_zone():
    from datetime import datetime, timezone
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
           "DTSTART:20260701T090000\r\nDURATION:PT30M\r\nSUMMARY:Floating\r\nEND:VEVENT\r\n"
           "END:VCALENDAR\r\n")
    got = busy_periods(ics, "Europe/Oslo", datetime(2026, 6, 30, tzinfo=timezone.utc),
                       datetime(2026, 7, 2, tzinfo=timezone.utc))
    assert got == [(datetime(2026, 7, 1, 7, 0, tzinfo=timezone.utc),
                    datetime(2026, 7, 1, 7, 30, tzinfo=timezone.utc), "Floating")]
