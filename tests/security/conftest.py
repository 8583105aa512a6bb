"""Attack tests: the operator allows one host, `feeds.invalid` (the resolver seam maps it to
127.0.0.1, standing for a trusted feed server); every other name is resolved by the seam too,
so nothing here ever asks DNS or connects off this machine."""
from __future__ import annotations

import pytest

from api.core import outbound
from tests.support.probe_http import ProbeServer

NAMES = {
    "feeds.invalid": ["127.0.0.1"],      # allowed by the operator
    "localhost": ["127.0.0.1"],
    "internal.invalid": ["127.0.0.1"],   # a name someone pointed at this machine
}


@pytest.fixture
def strict(settings, monkeypatch):
    """Only `feeds.invalid` is allowed; names resolve through the seam."""
    monkeypatch.setitem(settings.extra, "PBX_CALENDAR_HOSTS", "feeds.invalid")
    monkeypatch.setitem(settings.extra, "PBX_DIRECTORY_HOSTS", "feeds.invalid")
    monkeypatch.setattr(outbound, "_settings", settings)  # another app may have been made
    with outbound.use_resolver(NAMES):
        yield settings


@pytest.fixture
def internal():
    """The server an attacker wants to reach (on 127.0.0.1); counts every request."""
    with ProbeServer() as server:
        yield server


@pytest.fixture
def internal6():
    """The same on [::1]."""
    with ProbeServer("::1") as server:
        yield server


def tricks(port: int, port6: int) -> list[str]:
    """Every spelling of "this machine" from the issue, and a few more."""
    return [
        f"http://127.0.0.1:{port}\\@feeds.invalid/cal.ics",       # backslash
        f"http://feeds.invalid@127.0.0.1:{port}/cal.ics",         # userinfo
        f"http://feeds.invalid:x@127.0.0.1:{port}/cal.ics",
        f"http://internal.invalid:{port}/cal.ics",                # a name for 127.0.0.1
        f"http://localhost:{port}/cal.ics",
        f"http://2130706433:{port}/cal.ics",                      # decimal
        f"http://0x7f000001:{port}/cal.ics",                      # hexadecimal
        f"http://0177.0.0.1:{port}/cal.ics",                      # octal
        f"http://127.1:{port}/cal.ics",                           # short form
        f"http://127.0.0.2:{port}/cal.ics",
        f"http://0.0.0.0:{port}/cal.ics",                         # unspecified
        f"http://[::1]:{port6}/cal.ics",                          # IPv6 loopback
        f"http://[::ffff:127.0.0.1]:{port}/cal.ics",              # IPv4-mapped
        f"http://[::ffff:7f00:1]:{port}/cal.ics",
        f"http://[::127.0.0.1]:{port}/cal.ics",                   # IPv4-compatible
        f"webcal://127.0.0.1:{port}/cal.ics",
        f"HTTP://127.0.0.1:{port}/cal.ics",
    ]
