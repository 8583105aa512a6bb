"""A call the user's own phone placed, turned around for a transfer (on the pjsua thread).

On a call the user's desk phone or softphone placed through this gateway, the user's phone is
the session's caller and the party they called its bridged leg. Transfer control works on
the other orientation (the caller is the party moved to the target, the bridged leg is the
user's): before a transfer starts, the two call objects change places, as the phone's attended
transfer does when it joins two calls (`attended.py`). From then on the called party is the
caller (held with music, moved to the target, hung up when the transfer fails) and the user's
phone the leg the user talks on (released at once for a transfer with return); a call that
comes back rings the user's own devices (`back`), showing the party they had called.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from .core import plans

log = logging.getLogger("sip_gateway")


def phone_is_caller(session) -> bool:
    """The user's phone placed this call and is still the session's caller."""
    r = session.route_info
    return (r is not None and r.direction == "outgoing" and not session.transfer.turned
            and not session.from_app)   # placed from the app: the other party is the caller


def turn(session, devices, uris: dict) -> tuple:
    """Turn a bridged call the user's phone placed around; the steps that ring the user again
    when a transfer comes back (`devices`: their own, as `api.gateway_port.own_devices`
    gives them). A call not bridged is left as it is (transfer control refuses it)."""
    from . import holding

    cc, gw, r = session.cc, session.gw, session.route_info
    w = cc.winner
    phone, far = session.caller, session.legs.get(w)
    if cc.state.value != "bridged" or not (gw.alive(phone) and gw.alive(far)):
        return ()
    holding.leg_music(session, far, on=False)   # held from the app: transfer holds its own way
    session.caller, session.legs[w] = far, phone
    far.leg, phone.leg = None, w
    # a phone's hold follows its call object to its new place
    session.held_legs = {w if x is None else None if x == w else x for x in session.held_legs}
    session.transfer.turned = True
    # the party the user called is the one who "calls" from now on: the target and the user's
    # devices (when the call comes back) see their number
    session.transfer.route = r   # the call's own user keeps it in their log as it was
    session.route_info = replace(r, caller=r.called, hit=None)
    log.info("call turned around", extra=session.log_extra(event="call_turned", leg=w))
    step = plans.own_devices_step(devices or (), uris, r.ring_timeout)
    return (step,) if step is not None else ()
