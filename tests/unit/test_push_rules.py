"""The push decisions: who gets which message, what it carries, when to retry."""
from __future__ import annotations

import pytest

from push import Notifier, payloads, policy
from push.policy import Result, decide
from push.ports import Target

VOIP = Target(1, "ios", "a" * 64, "voip", "no.example.pbx", "production", "nb-NO")
ALERT = Target(2, "ios", "b" * 64, "alert", "no.example.pbx", "sandbox", "nb-NO")
ANDROID = Target(3, "android", "fcm-token", "fcm", "no.example.pbx", "production", None)
CALL = {"caller": {"number": "+4722334455", "name": "Kari"}, "ring_timeout": 25}


def kinds(messages):
    return [(m.device_id, m.push_type) for m in messages]


def test_an_incoming_call_goes_by_voip_to_iphones_and_by_data_to_android_not_twice():
    messages, _ = payloads.plan("incoming_call", "c1", CALL, [VOIP, ALERT, ANDROID], {})
    assert kinds(messages) == [(1, "voip"), (3, "data")]
    voip = messages[0]
    assert voip.topic == "no.example.pbx.voip" and voip.high_priority


def test_an_iphone_without_a_voip_token_is_told_of_calls_by_alert():
    messages, _ = payloads.plan("incoming_call", "c1", CALL, [ALERT], {})
    assert kinds(messages) == [(2, "alert")]
    assert messages[0].topic == "no.example.pbx"
    assert messages[0].body["aps"]["alert"]["body"] == "Kari"


def test_a_call_that_is_over_never_gets_a_voip_push():
    messages, _ = payloads.plan("call_ended", "c1", {"reason": "ended"}, [VOIP, ALERT, ANDROID],
                                {})
    assert kinds(messages) == [(3, "data")]
    messages, _ = payloads.plan("call_ended", "c1", {"reason": "ended"}, [ALERT], {})
    assert kinds(messages) == [(2, "alert")]
    assert messages[0].collapse_id == "call-c1"  # replaces the incoming-call alert


def test_missed_calls_and_returned_transfers_are_alerts_missed_ones_not_urgent():
    missed, _ = payloads.plan("missed_call", "c1", CALL, [VOIP, ALERT, ANDROID], {})
    back, _ = payloads.plan("transfer_returned", "c1", {"target": "Anna"}, [VOIP, ALERT], {})
    assert kinds(missed) == [(2, "alert"), (3, "data")]
    assert not any(m.high_priority for m in missed)
    assert kinds(back) == [(2, "alert")] and back[0].high_priority
    assert back[0].body["aps"]["alert"]["body"] == "Samtalen til Anna kom tilbake"  # nb-NO phone


def test_a_returned_transfer_says_why_it_came_back():
    back, _ = payloads.plan("transfer_returned", "c1",
                            {"target": "Anna", "why": "Anna did not answer"}, [ALERT], {})
    assert back[0].body["aps"]["alert"]["body"] == \
        "Samtalen til Anna kom tilbake: Anna did not answer"  # the why comes worded


def test_the_push_for_calls_setting_silences_calls_but_not_missed_call_alerts():
    off = {"push_calls": False}
    assert payloads.plan("incoming_call", "c1", CALL, [VOIP, ANDROID], off) == ([], [])
    assert payloads.plan("call_ended", "c1", {}, [ANDROID], off) == ([], [])
    assert kinds(payloads.plan("missed_call", "c1", CALL, [ANDROID], off)[0]) == [(3, "data")]


def test_fcm_data_values_are_all_strings():
    [m], _ = payloads.plan("incoming_call", "c1", CALL, [ANDROID], {})
    assert all(isinstance(v, str) for v in m.body.values())
    assert m.body["caller"] == '{"number":"+4722334455","name":"Kari"}'


def test_a_long_call_id_still_gives_a_collapse_id_within_64_bytes():
    cid = payloads.collapse_id("incoming_call", "x" * 300)
    assert len(cid.encode()) <= 64 and cid == payloads.collapse_id("call_ended", "x" * 300)


def test_oversized_payloads_lose_the_least_useful_parts_first():
    data = {"caller": {"number": "+4722334455", "name": "Kari", "title": "t" * 6000},
            "context": {"queue": "Support", "last_spoke_to": "Ola"}}
    [m], _ = payloads.plan("incoming_call", "c1", data, [VOIP], {})
    assert m.body["caller"] == {"number": "+4722334455", "name": "Kari"}
    assert payloads.size(m.body) <= payloads.APNS_LIMIT["voip"]
    _, too_large = payloads.plan("incoming_call", "c1", {"reason": {"rule": "r" * 9000}},
                                 [VOIP, ANDROID], {})
    assert too_large == [VOIP, ANDROID]


def test_success_dead_tokens_and_an_expired_jwt():
    assert decide(Result(200), attempt=1, remaining_s=10, auth_refreshed=False).outcome == \
        "delivered"
    for reason in ("Unregistered", "BadDeviceToken", "DeviceTokenNotForTopic", "UNREGISTERED"):
        assert decide(Result(400, reason), attempt=1, remaining_s=10,
                      auth_refreshed=False).action == "prune"
    expired = Result(403, "ExpiredProviderToken")
    assert decide(expired, attempt=1, remaining_s=10, auth_refreshed=False).action == \
        "refresh_auth"
    assert decide(expired, attempt=2, remaining_s=10, auth_refreshed=True).action == "stop"


def test_retries_back_off_and_stop_before_the_deadline():
    busy = Result(503, "ServiceUnavailable")
    delays = [decide(busy, attempt=n, remaining_s=100, auth_refreshed=False).delay
              for n in range(1, 5)]
    assert delays == sorted(delays) and delays[0] > 0
    assert decide(busy, attempt=policy.MAX_ATTEMPTS, remaining_s=100,
                  auth_refreshed=False).outcome == "gave_up"
    assert decide(Result(429, "TooManyRequests", retry_after=30), attempt=1, remaining_s=20,
                  auth_refreshed=False).outcome == "gave_up"
    assert decide(Result(429, "QUOTA_EXCEEDED"), attempt=1, remaining_s=25,
                  auth_refreshed=False).outcome == "gave_up"  # FCM asks for a minute at least
    assert decide(Result(None, "timeout"), attempt=1, remaining_s=5,
                  auth_refreshed=False).outcome == "gave_up"


def test_other_errors_are_recorded_and_not_retried():
    for result in (Result(400, "BadTopic"), Result(400, "INVALID_ARGUMENT"), Result(413,
                                                                                    "PayloadTooLarge")):
        assert decide(result, attempt=1, remaining_s=20, auth_refreshed=False).action == "stop"


class Recording:
    """A sender that keeps what it is handed."""

    def __init__(self) -> None:
        self.handed: list = []

    def submit(self, notify) -> None:
        self.handed.append(notify)

    def stop(self, timeout: float = 5.0) -> None:
        pass


def test_an_incoming_call_push_is_worth_sending_only_until_ringing_stops():
    sender = Recording()
    Notifier(sender).incoming_call(1, 2, "c1", "+4722334455", hit={"name": "Kari", "x": "y"},
                                   context={"queue": None, "callback": ""}, ring_timeout=12)
    [notify] = sender.handed
    assert (notify.kind, notify.tenant_id, notify.user_id) == ("incoming_call", 1, 2)
    assert notify.deadline - notify.created == pytest.approx(12)
    assert notify.data["caller"] == {"number": "+4722334455", "name": "Kari"}
    assert "context" not in notify.data  # nothing to show: no empty "via" line on the phone


def test_a_missed_call_alert_is_kept_for_a_day_and_a_test_push_has_no_call():
    sender = Recording()
    Notifier(sender).missed_call(1, 2, "c1", None)
    Notifier(sender).test(1, 2)
    missed, test = sender.handed
    assert missed.deadline - missed.created == pytest.approx(24 * 3600)
    assert (test.kind, test.call_id) == ("test", None)


def test_a_voicemail_is_an_alert_with_the_unread_count_as_badge_and_data_on_android():
    data = {"caller": {"number": "+4722334455", "name": "Kari"}, "message_id": 9,
            "duration": 12.4, "unread": 3}
    messages, _ = payloads.plan("voicemail", "c1", data, [VOIP, ALERT, ANDROID], {})
    assert kinds(messages) == [(2, "alert"), (3, "data")]
    alert, android = messages
    assert alert.body["aps"]["badge"] == 3
    assert alert.body["aps"]["alert"]["loc-key"] == "VOICEMAIL_BODY"
    assert alert.body["aps"]["alert"]["body"] == "Kari la igjen en beskjed (12 s)"  # nb-NO
    assert android.body["type"] == "voicemail" and android.body["unread"] == "3"
    assert android.body["message_id"] == "9"
    assert not any(m.high_priority for m in messages)


def test_the_push_for_calls_setting_does_not_silence_voicemail():
    data = {"caller": {"number": "+4722334455"}, "message_id": 1, "duration": 3, "unread": 1}
    messages, _ = payloads.plan("voicemail", None, data, [ALERT], {"push_calls": False})
    assert kinds(messages) == [(2, "alert")]


def test_a_badge_update_shows_and_sounds_nothing_and_skips_the_voip_token():
    messages, _ = payloads.plan("voicemail_count", None, {"unread": 2}, [VOIP, ALERT, ANDROID],
                                {})
    assert kinds(messages) == [(2, "alert"), (3, "data")]
    assert messages[0].body["aps"] == {"badge": 2}
    assert messages[1].body == {"type": "voicemail_count", "unread": "2"}
