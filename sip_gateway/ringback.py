"""What the user's device hears while a call-through's destination rings (on the pjsua thread).

Once the device has answered and the destination is dialled, the device hears the ringing
tone (`tones.RINGBACK`), or the destination's own early media when it answers 183 with SDP
(a network announcement, a ringing tone of its own country, music). Either stops the moment
the destination answers (the session bridges the two) or the call ends.
"""
from __future__ import annotations

import logging

log = logging.getLogger("sip_gateway")


class Ringback:
    """The device's ringing, following the call-through's state (`update` after each change)."""

    def __init__(self) -> None:
        self.player = None      # the looping ringing tone, transmitting to `device`
        self.device = None      # the leg that hears it
        self.early = False      # the destination's early media is connected to the device

    def update(self, session) -> None:
        """After each input: the device rings while the device answered and the
        destination has not (yet)."""
        from .core.callthrough import DESTINATION

        gw, state = session.gw, session.cc.current
        device = session.legs.get(session.cc.winner) if state is DESTINATION else None
        if device is None or not gw.alive(device):
            return self.stop(session, state.value)
        dest = session.caller
        if dest is not None and dest.media_on and gw.alive(dest):
            if not self.early:
                self._stop_tone(session)
                dest.getAudioMedia(-1).startTransmit(device.getAudioMedia(-1))
                self.early, self.device = True, device
                log.info("ringback", extra=session.log_extra(event="ringback",
                                                             state="early_media"))
            return
        if self.player is None and not self.early and device.media_on:
            self._start_tone(session, device)

    def _start_tone(self, session, device) -> None:
        import pjsua2 as pj

        player = pj.AudioMediaPlayer()
        player.createPlayer(session.gw.tones["ringback"], 0)  # 0: loop
        player.startTransmit(device.getAudioMedia(-1))
        self.player, self.device = player, device
        log.info("ringback", extra=session.log_extra(event="ringback", state="tone"))

    def _stop_tone(self, session) -> None:
        player, self.player = self.player, None
        if player is None:
            return
        if session.gw.alive(self.device) and self.device.media_on:
            try:
                player.stopTransmit(self.device.getAudioMedia(-1))
            except Exception:  # the device's media went away first: nothing to stop
                pass

    def stop(self, session, why: str) -> None:
        """The destination answered (the bridge carries its audio from now on) or the call
        is over: no more ringing at the device."""
        if self.player is None and not self.early:
            return
        self._stop_tone(session)
        self.early = False
        self.device = None
        log.info("ringback", extra=session.log_extra(event="ringback", state="stopped",
                                                     why=why))
