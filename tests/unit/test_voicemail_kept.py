"""What the gateway does once a message is recorded: a message recorded while the database
is unreachable stays on disk and its row is filed again later (on the gateway's timers)
until the database takes it, then the push goes; a kept message lights the user's
message-waiting lamps through the edge when one is configured."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.exc import OperationalError

from api import gateway_port as port
from api.voicemail import mwi
from sip_gateway import voicemailcalls
from sip_gateway.core.callmessages import LeaveMessage


class Gateway:
    """The gateway's loop, recorder and notifier as `_save` uses them, run at once."""

    def __init__(self) -> None:
        self.cfg = SimpleNamespace(voicemail_dir="/nonexistent", edge_ctl="", realm="pbx.local")
        self.pool = SimpleNamespace(submit=lambda fn, *a: self.lit.append((fn, a)))
        self.lit = []
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


def test_a_kept_message_lights_the_lamps_through_the_edge_when_it_is_configured(monkeypatch):
    lamp = mwi.Lamp(("dev7",), 1, 0)
    monkeypatch.setattr(port.voicemail, "leave", lambda *_a, **_kw: port.voicemail.Left(
        5, 3.0, 1, None, "/x.wav", "+4791234567", "en", lamp=lamp))
    gw = Gateway()
    voicemailcalls._save(_session(gw), None)
    assert gw.lit == []  # no edge configured: no lamps
    gw.cfg.edge_ctl = "unix:/run/edge/kamailio.ctl"
    voicemailcalls._save(_session(gw), None)
    ((fn, args),) = gw.lit
    assert fn.__self__.ctl == "unix:/run/edge/kamailio.ctl" and args == (lamp,)


def test_the_summary_says_whether_messages_wait_and_how_many_new_and_old():
    assert mwi.summary("sip:dev7@pbx.local", 2, 5) == (
        "Messages-Waiting: yes\r\nMessage-Account: sip:dev7@pbx.local\r\n"
        "Voice-Message: 2/5\r\n")
    assert mwi.summary("sip:dev7@pbx.local", 0, 5).startswith("Messages-Waiting: no\r\n")
