"""A message recorded while the database is unreachable stays on disk and its row is filed
again later (on the gateway's timers) until the database takes it, then the push goes."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.exc import OperationalError

from api import gateway_port as port
from sip_gateway import voicemailcalls
from sip_gateway.core.callmessages import LeaveMessage


class Gateway:
    """The gateway's loop, recorder and notifier as `_save` uses them, run at once."""

    def __init__(self) -> None:
        self.cfg = SimpleNamespace(voicemail_dir="/nonexistent", edge_ctl="")
        self.delays, self.pushed = [], []
        self.recorder = SimpleNamespace(submit=lambda fn, then: then(fn(None)))
        self.notifier = SimpleNamespace(voicemail=lambda *a, **kw: self.pushed.append(kw))

    def post(self, fn, *args):
        fn(*args)

    def start_timer(self, delay, fn, *args):
        self.delays.append(delay)
        fn(*args)


def _session(gw):
    step = LeaveMessage(1, 7, "no_answer", "greeting", "en")
    side = voicemailcalls.VoicemailSide(step, file="a" * 32 + ".wav")
    return SimpleNamespace(voicemail=side, gw=gw, sip_id="call-1",
                           route_info=SimpleNamespace(caller="+4791234567", hit=None,
                                                      reason={}))


def test_a_message_the_database_refused_is_filed_again_until_it_is_taken(monkeypatch):
    answers = [OperationalError("INSERT", {}, Exception("down"))] * 3 + [
        port.voicemail.Left(5, 3.0, 1, None, "/x.wav", "+4791234567", "en")]

    def leave(*_a, **_kw):
        got = answers.pop(0)
        if isinstance(got, Exception):
            raise got
        return got

    monkeypatch.setattr(port.voicemail, "leave", leave)
    gw = Gateway()
    voicemailcalls._save(_session(gw), None)
    assert gw.delays == list(voicemailcalls.FILE_AGAIN_S[:3])
    assert [p["unread"] for p in gw.pushed] == [1]


def test_filing_gives_up_after_the_last_try_without_a_push(monkeypatch):
    def leave(*_a, **_kw):
        raise OperationalError("INSERT", {}, Exception("down"))

    monkeypatch.setattr(port.voicemail, "leave", leave)
    gw = Gateway()
    voicemailcalls._save(_session(gw), None)
    assert gw.delays == list(voicemailcalls.FILE_AGAIN_S) and gw.pushed == []
