"""The push relay as the SIP gateway runs it: a process of its own, fed over a socket pair,
sending through the local sink on this database's devices."""
from __future__ import annotations

import json
import urllib.request

import pytest

from api.pushdevices.sender import RELAY_MODULE
from push import Notifier
from push.relay import Relay
from tests.support.push import registered, sink

TOKEN = "d4" * 32
pytestmark = pytest.mark.once  # the SQL it runs is the same as in-process senders'


def test_a_call_handed_to_the_relay_rings_the_phone_with_who_is_calling(app, client,
                                                                        database_url):
    phone = registered(app, client, "alice", [{"platform": "android", "token": TOKEN,
                                               "token_kind": "fcm", "app_id": "no.example.pbx"}])
    with sink() as (_, url):
        relay = Relay(RELAY_MODULE, {"DATABASE_URL": database_url, "PUSH_SINK_URL": url}).start()
        try:
            notifier = Notifier(relay)
            notifier.incoming_call(phone["tenant"], phone["user"], "relayed-1", "+4722334455",
                                   hit={"name": "Kari Nordmann", "company": "Fjord AS"})
            with urllib.request.urlopen(f"{url}/poll/{TOKEN}?after=0&wait=20",
                                        timeout=30) as r:
                pushes = json.load(r)
        finally:
            relay.stop()
    [push] = pushes
    assert push["call_id"] == "relayed-1" and push["payload"]["type"] == "incoming_call"
    assert json.loads(push["payload"]["caller"]) == {
        "number": "+4722334455", "name": "Kari Nordmann", "company": "Fjord AS"}
    assert relay.dropped == 0
