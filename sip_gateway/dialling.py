"""A call dials one of its legs (on the pjsua thread): the number and name the called phone
shows, and the headers that say who calls and for whom (P-Asserted-Identity, Diversion or the
forwarded call's own)."""
from __future__ import annotations

import logging

from .core.callmessages import Dial
from .sipmsg import (diversion_headers, display_name, forwarded_headers, safe_display,
                     safe_user)

log = logging.getLogger("sip_gateway")
PHONES = ("softphone", "deskphone", "app")


def dial(session, a: Dial) -> None:
    r = session.route_info
    hdrs = headers(session, a)
    log.info("dialling", extra=session.log_extra(event="dial", leg=a.leg, kind=a.target.kind,
                                                 uri=a.target.uri))
    shown = safe_user(a.target.from_number or (r.caller if r else None))
    # the user's own phones show who is calling by name (unless the target says what)
    display = safe_display(a.target.from_display) or (
        display_name(r.hit, r.caller) if r is not None and shown and
        a.target.kind in PHONES else None)
    session.legs[a.leg] = session.gw.dial(session, a.leg, a.target.uri, hdrs, shown, display)


def headers(session, a: Dial) -> list[tuple[str, str]]:
    host, r, target = session.gw.contact_host, session.route_info, a.target
    out = []
    shown = safe_user(target.from_number or (r.caller if r else None))
    if shown:
        out.append(("P-Asserted-Identity", f"<sip:{shown}@{host}>"))
    if safe_user(target.diverted_from):
        out += diversion_headers(target.diverted_from, target.uri, a.diversion, host)
    else:  # a forwarded call rings on: the phone may show who it was meant for
        out += forwarded_headers(session.msg.headers)
    return out
