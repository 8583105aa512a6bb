"""Call control's push actions, sent through the push package (returns at once)."""
from __future__ import annotations


class Pusher:
    def send(self, kind: str, reason: str, route, call_id: str) -> None:
        import push

        if route is None or route.user_id is None:
            return
        if kind == "incoming":
            push.notify_incoming_call(route.tenant_id, route.user_id, call_id, route.caller,
                                      hit=route.hit, context=route.context,
                                      reason=route.reason, ring_timeout=route.ring_timeout)
        elif kind == "ended":
            push.notify_call_ended(route.tenant_id, route.user_id, call_id,
                                   reason=reason or "ended")
        elif kind == "missed":
            push.notify_missed_call(route.tenant_id, route.user_id, call_id, route.caller,
                                    hit=route.hit)
