"""Hold and retrieve from the app, on the call thread: the other party (the caller of an
incoming or queue call, the called party of a call the user placed) hears the hold music
while the user has the call on hold; retrieve connects them again."""
from __future__ import annotations

import logging

from . import callrecords, transfers, turnaround
from .core.callhold import HoldCall
from .core.callmessages import Bridge

log = logging.getLogger("sip_gateway")


def hold_call(session, a: HoldCall) -> None:
    leg = session.legs.get(a.leg)
    # the user's phone is the caller (a call placed from the app has the other party there)
    placed = turnaround.phone_is_caller(session)
    if a.on:
        transfers.audio(session, session.caller, leg, on=False)
        if placed:
            leg_music(session, leg, on=True)
        else:
            transfers.hold_tone(session, on=True)
    else:
        if placed:
            leg_music(session, leg, on=False)
        session._bridge(Bridge(a.leg))   # the caller's music stops, the two talk again
    log.info("call hold", extra=session.log_extra(
        event="call_hold", held=a.on, party="called" if placed else "caller"))
    # the user's live call shows held while the app holds it, as when a phone does
    callrecords.leg_held(session, "app", a.on)


def leg_music(session, leg, *, on: bool) -> None:
    """The hold music to the party the user called (their leg), or off."""
    import pjsua2 as pj

    gw, player = session.gw, session.transfer.leg_music
    if player is not None:
        session.transfer.leg_music = None
        if gw.alive(leg) and leg.media_on:
            try:
                player.stopTransmit(leg.getAudioMedia(-1))
            except Exception:  # the leg's media went away first: nothing to stop
                pass
    if on and gw.alive(leg) and leg.media_on:
        player = pj.AudioMediaPlayer()
        player.createPlayer(gw.tones["hold"], 0)  # 0: loop
        player.startTransmit(leg.getAudioMedia(-1))
        session.transfer.leg_music = player
