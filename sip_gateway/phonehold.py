"""A phone puts the caller on hold (a re-INVITE with sendonly or inactive audio): the caller
hears the hold music, the same tones a transfer's hold plays (`tones.py`), until the phone
takes the call back (sendrecv again); then the two talk again. Only the leg the caller talks
to counts, only while the call is simply bridged (a transfer runs its own hold) and not held
from the app (`holding.py` owns the music then)."""
from __future__ import annotations

import logging

from . import transfers

log = logging.getLogger("sip_gateway")


def leg_held(session, call, held: bool) -> None:
    """On the call thread: pjsua reports the leg's audio held (by the phone) or taken back."""
    cc = session.cc
    talking = cc.state.value == "bridged" and cc.winner == call.leg \
        and "app" not in session.held_legs
    if held and talking and not session.phone_held:
        session.phone_held = True
        _connected(session, call, on=False)   # whatever the phone still sends stays out
        started = session.start_loop("hold")
        log.info("hold tone", extra=session.log_extra(
            event="hold_tone", state="started" if started else "no_media", by="phone"))
    elif not held and session.phone_held:
        session.phone_held = False
        session.stop_loop()
        if talking:
            _connected(session, call, on=True)
        log.info("hold tone", extra=session.log_extra(event="hold_tone", state="stopped",
                                                   by="phone"))


def _connected(session, call, *, on: bool) -> None:
    try:
        transfers.audio(session, session.caller, call, on=on)
    except Exception:   # the phone's audio is inactive: nothing flows from it anyway
        pass
