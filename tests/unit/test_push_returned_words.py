"""A transfer that came back without the colleague's status (the gateway could not read it)
still says why, in each phone's language: the gateway sends the reason's code, and the
alert words it."""
from __future__ import annotations

from push.alerts import alert
from push.notifier import Notifier


class _Kept:
    def __init__(self):
        self.sent = []

    def submit(self, notify):
        self.sent.append(notify)


def test_the_gateways_reason_code_is_worded_in_the_phones_language():
    kept = _Kept()
    Notifier(kept).transfer_returned(1, 2, "c1", "Anna", why_reason="busy",
                                     caller_number="+4791111111")
    data = kept.sent[0].data
    assert data["why_reason"] == "busy" and "why" not in data
    swedish = alert("transfer_returned", data, "sv")
    assert swedish["body"] == "Samtalet till Anna kom tillbaka: Anna är upptagen"
    assert swedish["loc_key"] == "TRANSFER_RETURNED_BODY_WHY"
    assert swedish["loc_args"] == ["Anna", "Anna är upptagen", "+4791111111"]
    assert alert("transfer_returned", data, "en")["body"] == \
        "The call to Anna came back: Anna is busy"


def test_a_why_worded_from_the_colleagues_status_wins_over_the_code():
    kept = _Kept()
    Notifier(kept).transfer_returned(1, 2, "c1", "Anna", why="Anna er i møte til 13:00",
                                     why_reason="no_answer")
    data = kept.sent[0].data
    assert "why_reason" not in data
    assert alert("transfer_returned", data, "nb")["body"] == \
        "Samtalen til Anna kom tilbake: Anna er i møte til 13:00"
