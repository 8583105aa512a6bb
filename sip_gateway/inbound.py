"""An incoming INVITE from its arrival to the session that runs it (on the pjsua thread).

The call is routed first: who is called, who calls, the plan at this instant (in the routing
worker process; the answer comes back to the pjsua thread). Meanwhile the INVITE waits as a `Pending`: the
caller's leg, the parsed request, the peer it came from, when it arrived. The routing answer
decides the machine the call runs (a queue's own control for a call to a queue, call
control for everything else: the user's plan, a message, voicemail, a refusal), and only
then is the `CallSession` built, with that one machine for the whole call. A caller who
hangs up while the call is routed is forgotten; the answer that comes later finds nobody.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from . import queuecalls, transferleg
from .core import callcontrol, queuecontrol
from .origin import Origin
from .session import CallSession
from .sipmsg import Request, identity_user

log = logging.getLogger("sip_gateway")


def _now() -> datetime:
    from api.gateway_port import now

    return now()


@dataclass
class Pending:
    """An INVITE waiting for its routing answer: nothing is decided about it yet."""

    caller: object                  # the caller's leg (pjsip_call.Call)
    msg: Request
    origin: Origin | None
    invite_at: float = field(default_factory=time.monotonic)  # "INVITE received to push"
    started_at: datetime = field(default_factory=_now)        # the call log's start


def arrived(gw, call, msg: Request, origin: Origin | None) -> None:
    """A new INVITE the gateway takes: hold it and ask for its route."""
    pending = gw.pending[msg.call_id] = Pending(call, msg, origin)
    busy = {uid for uid, n in gw.busy.items() if n > 0}
    asked = identity_user(msg.headers.get("p-preferred-identity"))
    gw.route(lambda route: routed(gw, pending, route),
             msg.to_user, msg.from_user, busy, asked, origin)


def caller_gone(gw, call) -> bool:
    """The caller's leg ended (CANCEL): True when it was still waiting for its route."""
    pending = gw.pending.get(call.sip_id)
    if pending is None or pending.caller is not call:
        return False
    del gw.pending[call.sip_id]
    log.info("call ended", extra={"call_id": call.sip_id, "event": "call_ended",
                                  "while": "routing"})
    return True


def routed(gw, pending: Pending, route) -> None:
    """The routing answer: the session is built with the machine it decides, and runs."""
    sip_id = pending.msg.call_id
    if gw.pending.get(sip_id) is not pending:
        return   # the caller hung up meanwhile, or the gateway stops
    del gw.pending[sip_id]
    route, refused = transferleg.arriving(gw, sip_id, route)
    session = CallSession(gw, pending.caller, pending.msg, machine_for(route, refused),
                          origin=pending.origin, invite_at=pending.invite_at,
                          started_at=pending.started_at)
    pending.caller.session = session
    gw.sessions[sip_id] = session
    session.start(route, refused)


def machine_for(route, refused: int | None):
    """The one machine a routed call runs: a queue's own control drives a call to a queue."""
    if refused is None and route.status == 200 and queuecalls.is_queue_call(route):
        return queuecontrol.QueueControl()
    return callcontrol.CallControl()


def abandon(gw) -> None:
    """The gateway stops: every INVITE still waiting for its route is hung up."""
    for pending in list(gw.pending.values()):
        try:
            pending.caller.hangup(gw.op())
        except Exception:
            pass
    gw.pending.clear()
