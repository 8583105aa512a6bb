"""iOS pushes through the real APNs transport against the local APNs double (HTTP/2 + TLS)."""
from __future__ import annotations

import time

import pytest

from push import Notifier
from tests.support.push import BUNDLE, apns_double, attempts, registered, sender
from tests.support.sip import wait_until

VOIP = "a1" * 32
ALERT = "b2" * 32
DEVICES = "/api/v1/me/push-devices"


@pytest.fixture
def apns(tmp_path):
    with apns_double(tmp_path) as pair:
        yield pair


@pytest.fixture
def phone(app, client):
    """Alice with an iPhone that registered its VoIP and alert tokens."""
    return registered(app, client, "alice", [
        {"platform": "ios", "token": token, "token_kind": kind, "app_id": BUNDLE}
        for token, kind in ((VOIP, "voip"), (ALERT, "alert"))])


def ring(svc, phone, call_id="call-1", ring_timeout=20.0, **kw):
    Notifier(svc).incoming_call(phone["tenant"], phone["user"], call_id, "+4722334455",
                                ring_timeout=ring_timeout, **kw)


def test_an_incoming_call_rings_the_iphone_by_voip_push_with_who_is_calling(app, client, apns,
                                                                             phone):
    double, transport = apns
    with sender(app, ios=transport) as svc:
        ring(svc, phone, hit={"name": "Kari Nordmann", "company": "Fjord AS", "title": "CEO",
                              "source": "directory", "secret": "not sent"},
             context={"queue": "Support", "transferred_by": "Ola"},
             reason={"profile": "Available", "rule": "ring my devices"})
        assert svc.drain()
    [req] = double.requests
    assert req.token == VOIP and req.status == 200
    assert req.headers["apns-topic"] == BUNDLE + ".voip"
    assert req.headers["apns-push-type"] == "voip" and req.headers["apns-priority"] == "10"
    assert 0 < int(req.headers["apns-expiration"]) <= time.time() + 20
    assert req.body["call_id"] == "call-1" and req.body["type"] == "incoming_call"
    assert req.body["caller"] == {"number": "+4722334455", "name": "Kari Nordmann",
                                  "company": "Fjord AS", "title": "CEO", "source": "directory"}
    assert req.body["context"] == {"queue": "Support", "transferred_by": "Ola"}
    assert req.body["reason"] == {"profile": "Available", "rule": "ring my devices"}
    [row] = attempts(client, phone)
    assert (row["kind"], row["transport"], row["outcome"], row["status"]) == \
        ("incoming_call", "apns", "delivered", 200)
    assert row["latency_ms"] > 0 and row["token_kind"] == "voip"


def test_one_provider_token_is_reused_for_many_pushes(app, apns, phone):
    double, transport = apns
    with sender(app, ios=transport) as svc:
        for n in range(5):
            ring(svc, phone, call_id=f"c{n}")
        assert svc.drain()
    assert len(double.requests) == 5 and len(double.tokens_seen) == 1
    assert transport.token.generated == 1


@pytest.mark.parametrize("status,reason", [(410, "Unregistered"), (400, "BadDeviceToken"),
                                           (400, "DeviceTokenNotForTopic")])
def test_a_dead_token_is_removed_at_once_and_never_used_again(app, client, apns, phone,
                                                               status, reason):
    double, transport = apns
    double.answer(VOIP, status, reason)
    with sender(app, ios=transport) as svc:
        ring(svc, phone, call_id="first")
        assert svc.drain()
        ring(svc, phone, call_id="second")
        assert svc.drain()
    assert [r.token for r in double.requests] == [VOIP, ALERT]  # the dead one is not tried again
    left = client.get(DEVICES, headers=phone["headers"]).get_json()
    assert [d["token_kind"] for d in left] == ["alert"]
    outcomes = [(r["call_id"], r["outcome"], r["reason"]) for r in attempts(client, phone)]
    assert outcomes[0] == ("first", "pruned", reason)
    # with no VoIP token left, the second call reaches the iPhone as an alert
    assert outcomes[1][:2] == ("second", "delivered")


def test_an_expired_provider_token_is_regenerated_and_the_push_still_goes(app, client, apns,
                                                                          phone):
    double, transport = apns
    with sender(app, ios=transport) as svc:
        ring(svc, phone, call_id="warm-up")
        assert svc.drain()
        double.expire_tokens_now()
        ring(svc, phone, call_id="after-an-hour")
        assert svc.drain()
    assert transport.token.generated == 2
    rows = [(r["outcome"], r["reason"]) for r in attempts(client, phone, call_id="after-an-hour")]
    assert rows == [("expired_auth", "ExpiredProviderToken"), ("delivered", None)]


def test_a_busy_provider_is_retried_with_backoff_while_the_phone_still_rings(app, client, apns,
                                                                             phone):
    double, transport = apns
    double.answer_next(503, "ServiceUnavailable", times=2)
    with sender(app, ios=transport) as svc:
        ring(svc, phone)
        assert svc.drain()
    rows = [(r["attempt"], r["outcome"], r["status"]) for r in attempts(client, phone)]
    assert rows == [(1, "retrying", 503), (2, "retrying", 503), (3, "delivered", 200)]


def test_no_retry_is_made_when_it_would_land_after_the_ring_timeout(app, client, apns, phone):
    double, transport = apns
    double.answer_next(429, "TooManyRequests", retry_after=30)
    with sender(app, ios=transport) as svc:
        ring(svc, phone, ring_timeout=5)
        assert svc.drain()
    assert len(double.requests) == 1
    [row] = attempts(client, phone)
    assert (row["outcome"], row["status"]) == ("gave_up", 429)


def test_a_stalled_provider_never_delays_the_call_and_is_abandoned_at_the_ring_timeout(
        app, client, apns, phone):
    double, transport = apns
    double.stall()
    with sender(app, ios=transport) as svc:
        ring(svc, phone, ring_timeout=1.0)
        double.wait_for(1)
        # the call went on while its push is still unanswered: nothing recorded yet
        assert attempts(client, phone) == []
        assert svc.drain(timeout=10)
    [row] = attempts(client, phone)
    assert (row["outcome"], row["reason"]) == ("gave_up", "timeout")


def test_call_ended_stops_the_retries_of_the_incoming_call_push(app, client, apns, phone):
    double, transport = apns
    double.answer_next(503, "ServiceUnavailable", retry_after=15)  # within the 20 s ring
    with sender(app, ios=transport) as svc:
        ring(svc, phone, call_id="short")
        double.wait_for(1)
        # the 503 is in: the retry waits (a call_ended before it would abandon the request)
        wait_until(lambda: attempts(client, phone, kind="incoming_call"),
                   what="the first attempt in the push log")
        Notifier(svc).call_ended(phone["tenant"], phone["user"], "short", reason="answered")
        assert svc.drain()
    outcomes = [r["outcome"] for r in attempts(client, phone, kind="incoming_call")]
    assert outcomes == ["retrying", "not_relevant"]
    assert [r.token for r in double.requests] == [VOIP]  # no VoIP push for an ended call


def test_missed_call_and_returned_transfer_are_alerts_to_the_alert_token(app, apns, phone):
    double, transport = apns
    with sender(app, ios=transport) as svc:
        Notifier(svc).missed_call(phone["tenant"], phone["user"], "m1", "+4722334455",
                                  hit={"name": "Kari Nordmann"})
        Notifier(svc).transfer_returned(phone["tenant"], phone["user"], "t1", "Anna")
        assert svc.drain()
    by_type = {r.body["type"]: r for r in double.wait_for(2)}
    missed, back = by_type["missed_call"], by_type["transfer_returned"]
    assert missed.token == back.token == ALERT
    assert missed.headers["apns-topic"] == BUNDLE and missed.headers["apns-push-type"] == "alert"
    assert missed.headers["apns-priority"] == "5" and missed.headers["apns-collapse-id"] == "missed-m1"
    assert missed.body["aps"]["alert"]["body"] == "Kari Nordmann"
    assert back.headers["apns-priority"] == "10"
    assert back.body["aps"]["alert"]["body"] == "The call to Anna came back"


def test_a_user_who_turned_call_pushes_off_gets_none(app, client, apns, phone, db):
    from api.accounts.models import User
    double, transport = apns
    user = db.get(User, phone["user"])
    user.settings = {"push_calls": False}
    db.commit()
    with sender(app, ios=transport) as svc:
        ring(svc, phone)
        assert svc.drain()
    assert double.requests == type(double.requests)() and attempts(client, phone) == []


def test_a_payload_over_the_limit_is_trimmed_to_fit_or_not_sent(app, client, apns, phone):
    double, transport = apns
    with sender(app, ios=transport) as svc:
        ring(svc, phone, call_id="big", hit={"name": "K", "title": "x" * 6000},
             context={"last_spoke_to": "y" * 6000})
        ring(svc, phone, call_id="huge", hit={"name": "K"}, reason={"profile": "p" * 6000})
        assert svc.drain()
    [req] = double.requests
    assert req.body["call_id"] == "big" and "title" not in req.body["caller"]
    assert "context" not in req.body
    [row] = attempts(client, phone, call_id="huge")
    assert row["outcome"] == "too_large"
