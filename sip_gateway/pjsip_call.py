"""The pjsua2 objects a SIP call is made of on this gateway: the account that takes incoming
INVITEs and each call leg (the caller's, or one the gateway dialled). Each leg reports its
pjsua2 callbacks to the adapter (state) or to its session (media, hold, keys); in-dialog
requests the gateway answers itself go to `indialog`. They run on the pjsua thread and
decide nothing.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pjsua2 as pj

from . import indialog, media

if TYPE_CHECKING:
    from .pjsip_adapter import Adapter
    from .session import CallSession

log = logging.getLogger("sip_gateway")


class Account(pj.Account):
    def __init__(self, gw: "Adapter") -> None:
        super().__init__()
        self.gw = gw

    def onIncomingCall(self, prm) -> None:
        try:
            self.gw.incoming(prm)
        except Exception:
            log.exception("incoming call failed", extra={"event": "adapter_error"})


class Call(pj.Call):
    """A call leg (the caller's, or one the gateway dialled) reporting to its session."""

    def __init__(self, gw: "Adapter", acc, call_id=pj.PJSUA_INVALID_ID) -> None:
        super().__init__(acc, call_id)
        self.gw = gw
        self.session: CallSession | None = None
        self.leg: int | None = None      # None: the caller's leg
        self.sip_id = ""
        self.confirmed = False
        self.media_on = False
        self.held = False                # the far end holds the call (see remote_hold)
        self.refer_sub: int | None = None   # the phone's REFER subscription (a transfer)

    def onCallState(self, prm) -> None:
        try:
            info = self.getInfo()
            self.gw.call_state(self, info)
        except Exception:
            log.exception("call state callback failed", extra={"event": "adapter_error"})

    def onDtmfDigit(self, prm) -> None:
        """A key pressed on this leg (RFC 4733 telephone-event, or SIP INFO
        application/dtmf-relay, which pjsua reads itself)."""
        try:
            if self.session is not None:
                media.key_pressed(self.session, self, str(prm.digit)[:1], int(prm.method))
        except Exception:
            log.exception("key callback failed", extra={"event": "adapter_error"})

    def onCallTsxState(self, prm) -> None:
        """In-dialog requests the gateway answers before pjsua would (`indialog`)."""
        try:
            indialog.received(self.gw, self, prm.e)
        except Exception:
            log.exception("request callback failed", extra={"event": "adapter_error"})

    def onCallMediaState(self, prm) -> None:
        try:
            info = self.getInfo()
            audio = [m.status for m in info.media if m.type == pj.PJMEDIA_TYPE_AUDIO]
            active = pj.PJSUA_CALL_MEDIA_ACTIVE in audio
            if active and not self.media_on:
                self.media_on = True
                if self.session is not None:
                    self.session.media_ready(self)
            held = self.media_on and remote_hold(info)
            if held != self.held:
                self.held = held
                if self.session is not None:
                    self.session.leg_held(self, held)
        except Exception:
            log.exception("media callback failed", extra={"event": "adapter_error"})


def remote_hold(info) -> bool:
    """The phone on this leg put the call on hold: a re-INVITE with a=sendonly (pjsua: remote
    hold) or a=inactive (pjsua keeps the stream active, with no direction)."""
    return any(m.type == pj.PJMEDIA_TYPE_AUDIO and (
        m.status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD or
        (m.status == pj.PJSUA_CALL_MEDIA_ACTIVE and m.dir == pj.PJMEDIA_DIR_NONE))
        for m in info.media)


def unanswered(call: Call) -> bool:
    """A leg the gateway dialled that has had no provisional answer yet (its CANCEL waits)."""
    try:
        return call.leg is not None and call.getInfo().state == pj.PJSIP_INV_STATE_CALLING
    except Exception:  # pjsua has let go of it already
        return False
