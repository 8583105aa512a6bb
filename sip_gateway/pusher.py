"""Call control's push actions, sent with the `push.Notifier` the gateway's start-up hands
its adapter (`gw.notifier`, the one every push of the gateway goes through; queue members'
pushes and "transfer came back" use it too). Returns at once."""
from __future__ import annotations

from .core.plans import ringing


def send(notifier, kind: str, reason: str, route, call_id: str) -> None:
    if route is None or route.user_id is None:
        return
    if kind == "incoming":
        notifier.incoming_call(route.tenant_id, route.user_id, call_id, route.caller,
                               hit=route.hit, context=route.context, reason=route.reason,
                               ring_timeout=route.ring_timeout, ringing=ringing(route.plan))
    elif kind == "ended":
        notifier.call_ended(route.tenant_id, route.user_id, call_id, reason=reason or "ended",
                            ringing=ringing(route.plan))
    elif kind == "missed":
        notifier.missed_call(route.tenant_id, route.user_id, call_id, route.caller,
                             hit=route.hit)
