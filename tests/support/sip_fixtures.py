"""The SIP fixtures gateway tests share (import them by name into a test module):

    sink             the local push sink of the module's gateway: (its store, its URL)
    ports            free ports for the module's trunk peer and voicemail
    gateway          one gateway per module, trusting the MEX peer, the users' phones and a
                     carrier's P-Asserted-Identity (TRUSTED)
    gateway_settles  autouse: the test's calls are over and written before tables are emptied
    peers            starts SIPp peers for one test and stops them after it

A module whose gateway needs other settings defines its own `gateway` (and `edge`); the
others keep working on it.
"""
from __future__ import annotations

import pytest

from tests.support.push import sink as push_sink
from tests.support.sip import Gateway, Sipp, free_port

MEX, PHONES = "127.0.0.3", "127.0.0.4"  # a mobile operator's MEX peer; the users' phones
TRUSTED = "127.0.0.5"   # a carrier in the trust domain: its P-Asserted-Identity is the caller
TRUNKS = f"{MEX};kind=mex,{PHONES};kind=phones,{TRUSTED};pai=trusted"


@pytest.fixture(scope="module")
def sink():
    with push_sink() as (server, url):
        yield server.RequestHandlerClass.store, url


@pytest.fixture(scope="module")
def ports():
    return {"trunk": free_port(), "voicemail": free_port()}


@pytest.fixture(scope="module")
def gateway(app, database_url, tmp_path_factory, sink, ports):
    gw = Gateway(database_url, tmp_path_factory.mktemp("gw"), trunk_port=ports["trunk"],
                 voicemail_port=ports["voicemail"], sink_url=sink[1], trunks=TRUNKS)
    yield gw
    gw.stop()


@pytest.fixture(autouse=True)
def gateway_settles(gateway, db):
    """Before the tables are emptied: every call the test made is over and written."""
    gateway.register_wakeups(db)
    yield
    gateway.settle()


@pytest.fixture
def peers(tmp_path):
    started: list[Sipp] = []

    def start(name, scenario, *args, **kw) -> Sipp:
        s = Sipp(tmp_path, name, scenario, *args, **kw)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
