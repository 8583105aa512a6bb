"""One ring per phone, at the APNs double: an iPhone whose mobile rings over the mobile
network (MEX) gets who is calling as a time-sensitive alert and no VoIP push (CallKit would
show a second call screen); the app as the device that rings keeps its VoIP push."""
from __future__ import annotations

import pytest

from push import Notifier
from tests.integration.test_push_apns import ALERT, VOIP, apns, phone  # noqa: F401
from tests.support.push import sender

CALLER = "+4722334455"


def _ring_and_end(svc, phone, ringing):
    n = Notifier(svc)
    n.incoming_call(phone["tenant"], phone["user"], "call-1", CALLER, ring_timeout=20.0,
                    hit={"name": "Kari Nordmann"}, ringing=ringing)
    assert svc.drain()   # an end that comes first cancels the incoming push
    n.call_ended(phone["tenant"], phone["user"], "call-1", reason="answered", ringing=ringing)
    assert svc.drain()


@pytest.mark.once
def test_an_iphone_whose_mex_mobile_rings_gets_one_alert_and_no_voip_push(app, apns, phone):
    double, transport = apns
    with sender(app, ios=transport) as svc:
        _ring_and_end(svc, phone, ("mobile", "softphone"))
    incoming = [r for r in double.requests if r.body["type"] == "incoming_call"]
    assert [(r.token, r.headers["apns-push-type"]) for r in incoming] == [(ALERT, "alert")]
    aps = incoming[0].body["aps"]
    assert aps["interruption-level"] == "time-sensitive" and "Kari Nordmann" in \
        aps["alert"]["body"]
    assert not [r for r in double.requests if r.token == VOIP]
    ended = [r for r in double.requests if r.body["type"] == "call_ended"]
    assert [r.token for r in ended] == [ALERT]   # the alert is replaced, the screen clear
    assert ended[0].headers["apns-collapse-id"] == incoming[0].headers["apns-collapse-id"]


@pytest.mark.once
def test_when_no_mobile_rings_the_app_gets_its_voip_push_and_no_alert(app, apns, phone):
    double, transport = apns
    with sender(app, ios=transport) as svc:
        _ring_and_end(svc, phone, ("softphone",))
    assert [(r.token, r.body["type"]) for r in double.requests] == [(VOIP, "incoming_call")]
