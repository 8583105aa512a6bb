"""The caller's announcement starts once, even when answering the caller reports its media
at once (pjsua2 calls back inside `answer()`): the second start found no file waiting and
failed with `'NoneType' object has no attribute 'read'`."""
from __future__ import annotations

import sys
import types
import wave

from sip_gateway import sipmsg
from sip_gateway.core import callcontrol as cc
from sip_gateway.session import CallSession


class _Player:
    started: list = []

    def createPlayer(self, path, _options) -> None:
        self.path = path

    def startTransmit(self, _media) -> None:
        _Player.started.append(self.path)


class _Caller:
    media_on = False
    leg = None            # the caller's own leg

    def getAudioMedia(self, _index):
        return object()


class _Gateway:
    """Answering the caller reports its media before `respond` returns, as pjsua2 does."""

    def __init__(self) -> None:
        self.session: CallSession | None = None
        self.timers: list = []

    def alive(self, call) -> bool:
        return call is not None

    def respond(self, call, _status: int) -> None:
        call.media_on = True
        self.session.media_ready(call)

    def start_timer(self, delay, fn, *args) -> None:
        self.timers.append((delay, fn, args))


def _silence(path) -> str:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 800)
    return str(path)


def test_an_announcement_whose_media_comes_up_while_answering_plays_once(tmp_path,
                                                                        monkeypatch):
    monkeypatch.setitem(sys.modules, "pjsua2", types.SimpleNamespace(
        AudioMediaPlayer=_Player, PJMEDIA_FILE_NO_LOOP=1))
    _Player.started = []
    gw, caller = _Gateway(), _Caller()
    msg = sipmsg.parse("INVITE sip:21000003@gw SIP/2.0\r\nCall-ID: a1\r\n"
                       "From: <sip:+4791234567@trunk>;tag=1\r\nTo: <sip:21000003@gw>\r\n\r\n")
    session = CallSession(gw, caller, msg, cc.CallControl())
    gw.session = session
    session.cc.state = cc.State.ANNOUNCING
    path = _silence(tmp_path / "referral.wav")

    session.play_ready(path, answer=False)   # 183 with the referral as early media

    assert _Player.started == [path]
    assert [args for _, fn, args in gw.timers if fn == session.playback_done] == \
        [(session.player,)]
