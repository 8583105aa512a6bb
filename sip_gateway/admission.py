"""Admission control: past its limits the gateway refuses a new call at once, `503 Service
Unavailable` with `Retry-After`, instead of taking it on and failing it late.

Two limits (`GatewayConfig`): the calls held at once (`SIP_MAX_ACTIVE_CALLS`, by default half
the call legs the gateway may hold: a bridged call holds two), and the calls waiting for
their routing decision (`SIP_MAX_SETUPS`): that queue only grows when calls come faster than
the gateway routes them, and every call in it waits longer than the one before. A refusal
costs neither a routing query nor a push, and the caller's side (a trunk, the edge) may try
another gateway at once. Refusals are logged at most once a second, with how many there
were, so an overload does not also flood the log.
"""
from __future__ import annotations

import logging
import time

log = logging.getLogger("sip_gateway")
LOG_EVERY_S = 1.0


class Admission:
    """Used on the pjsua thread only."""

    def __init__(self, cfg) -> None:
        self.max_calls = cfg.call_limit
        self.max_setups = cfg.max_setups
        self.retry_after = (("Retry-After", str(cfg.retry_after_s)),)
        self._refused = 0         # refused since the last log line
        self._logged_at = float("-inf")

    def full(self, calls: int, setups: int) -> str | None:
        """Why a new call cannot be taken now, with `calls` held (routed or not) and `setups`
        of them waiting for their routing; None: take it."""
        if calls >= self.max_calls:
            return "calls"
        if setups >= self.max_setups:
            return "setups"
        return None

    def turned_away(self, call, calls: int, setups: int, op) -> bool:
        """Answer the new `call` 503 when the gateway is full; whether it was.
        `op(status, headers)`: the adapter's answer parameters."""
        why = self.full(calls, setups)
        if why is None:
            return False
        self._refused += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_S:
            log.warning("gateway full: new calls refused (503)", extra={
                "event": "calls_refused_overload", "limit": why, "refused": self._refused,
                "calls": calls, "max_calls": self.max_calls, "routing": setups,
                "max_setups": self.max_setups})
            self._logged_at, self._refused = now, 0
        call.answer(op(503, self.retry_after))
        return True
