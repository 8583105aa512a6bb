"""Android pushes through firebase-admin against the local FCM HTTP v1 double."""
from __future__ import annotations

import json

import pytest

from push import Notifier
from tests.support.push import attempts, fcm_double, registered, sender

TOKEN = "fcm:" + "t" * 152
DEVICES = "/api/v1/me/push-devices"


@pytest.fixture
def fcm():
    with fcm_double() as pair:
        yield pair


@pytest.fixture
def android(app, client):
    return registered(app, client, "bob", [{"platform": "android", "token": TOKEN,
                                            "token_kind": "fcm", "app_id": "no.example.pbx"}])


def notify(svc, kind: str, *args, **kw):
    getattr(Notifier(svc), kind)(*args, **kw)


def test_an_incoming_call_is_a_high_priority_data_message_that_dies_with_the_ringing(
        app, client, fcm, android):
    double, transport = fcm
    with sender(app, android=transport) as svc:
        notify(svc, "incoming_call", android["tenant"], android["user"], "c-7",
               "+4722334455", hit={"name": "Kari Nordmann", "source": "contacts"},
               ring_timeout=20)
        assert svc.drain()
    [req] = double.requests
    assert req["headers"]["authorization"] == "Bearer ya29.test-access-token"
    message = req["body"]
    assert message["token"] == TOKEN and "notification" not in message
    assert message["android"]["priority"] == "high"
    assert int(message["android"]["ttl"].rstrip("s")) <= 20
    assert message["android"]["collapse_key"] == "call-c-7"
    data = message["data"]
    assert data["type"] == "incoming_call" and data["call_id"] == "c-7"
    assert json.loads(data["caller"]) == {"number": "+4722334455", "name": "Kari Nordmann",
                                          "source": "contacts"}
    [row] = attempts(client, android)
    assert (row["transport"], row["outcome"], row["platform"]) == ("fcm", "delivered", "android")


def test_call_ended_tells_the_android_phone_to_stop_showing_the_call(app, fcm, android):
    double, transport = fcm
    with sender(app, android=transport) as svc:
        notify(svc, "call_ended", android["tenant"], android["user"], "c-7",
               reason="answered_elsewhere")
        assert svc.drain()
    [req] = double.requests
    assert req["body"]["data"] == {"type": "call_ended", "call_id": "c-7",
                                   "reason": "answered_elsewhere"}
    assert req["body"]["android"]["collapse_key"] == "call-c-7"


def test_an_unregistered_token_is_removed_at_once(app, client, fcm, android):
    double, transport = fcm
    double.answer(TOKEN, "UNREGISTERED")
    with sender(app, android=transport) as svc:
        notify(svc, "missed_call", android["tenant"], android["user"], "c-1", None)
        assert svc.drain()
        notify(svc, "missed_call", android["tenant"], android["user"], "c-2", None)
        assert svc.drain()
    assert len(double.requests) == 1
    assert client.get(DEVICES, headers=android["headers"]).get_json() == []
    [row] = attempts(client, android)
    assert (row["outcome"], row["status"], row["reason"]) == ("pruned", 404, "UNREGISTERED")


def test_unavailable_is_retried_and_the_push_arrives(app, client, fcm, android):
    double, transport = fcm
    double.answer_next("UNAVAILABLE")
    double.answer_next("INTERNAL")
    with sender(app, android=transport) as svc:
        notify(svc, "incoming_call", android["tenant"], android["user"], "c-1", None)
        assert svc.drain()
    assert [(r["outcome"], r["reason"]) for r in attempts(client, android)] == [
        ("retrying", "UNAVAILABLE"), ("retrying", "INTERNAL"), ("delivered", None)]


@pytest.mark.parametrize("code,outcome", [("QUOTA_EXCEEDED", "gave_up"),
                                          ("INVALID_ARGUMENT", "failed"),
                                          ("SENDER_ID_MISMATCH", "failed")])
def test_errors_that_cannot_succeed_before_the_ring_timeout_are_recorded_not_retried(
        app, client, fcm, android, code, outcome):
    double, transport = fcm
    double.answer(TOKEN, code)
    with sender(app, android=transport) as svc:
        notify(svc, "incoming_call", android["tenant"], android["user"], "c-1", None)
        assert svc.drain()
    assert len(double.requests) == 1
    [row] = attempts(client, android)
    assert (row["outcome"], row["reason"]) == (outcome, code)
    assert len(client.get(DEVICES, headers=android["headers"]).get_json()) == 1  # kept


def test_a_wrong_access_token_is_refused_by_the_double_and_recorded(app, client, android):
    with fcm_double(access_token="ya29.wrong") as (double, transport):
        with sender(app, android=transport) as svc:
            notify(svc, "incoming_call", android["tenant"], android["user"], "c-1",
                   None)
            assert svc.drain()
    [row] = attempts(client, android)
    assert (row["outcome"], row["status"]) == ("failed", 401)
