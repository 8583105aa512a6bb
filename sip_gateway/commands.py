"""The gateway's end of the command channel: claim this gateway's pending commands when the
API wakes it (a UDP datagram to the address registered at start) and, as a fallback, every
`SIP_COMMAND_POLL_S`; hand each to the call thread. The same thread writes this gateway's
heartbeat and closes the calls of gateways that died (`api.calls.interrupted`).

A datagram is only a hint to look now: whatever it says, the gateway claims what the
database holds for it, so a lost datagram delays a command until the next poll and a forged
one causes one extra claim. Datagrams that arrive together cause one claim.
"""
from __future__ import annotations

import logging
import socket
import threading
import time

from i18n import N_

log = logging.getLogger("sip_gateway")

STALE_SWEEP_S = 60.0   # how often the poll closes calls a killed gateway left behind


class Wakeups:
    """A UDP socket the API's wake-ups arrive on."""

    def __init__(self, host: str, port: int = 0) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.host, self.port = host, self.sock.getsockname()[1]

    def wait(self, timeout: float) -> bool:
        """Until a wake-up arrives (True) or `timeout` passes (False); drains what queued."""
        try:
            self.sock.settimeout(timeout)
            self.sock.recv(64)
        except (socket.timeout, BlockingIOError):
            return False
        except OSError:          # closed at shutdown
            return False
        try:
            self.sock.setblocking(False)
            while True:
                self.sock.recv(64)
        except (BlockingIOError, OSError):  # drained, or closed by a stop that woke us
            pass
        return True

    def close(self) -> None:
        """Close the socket, first waking a thread blocked in `wait` (closing alone does not
        wake it): it then finds its stop flag set instead of sleeping out its poll."""
        anywhere = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}
        try:
            with socket.socket(self.sock.family, socket.SOCK_DGRAM) as nudge:
                nudge.sendto(b"stop", (anywhere.get(self.host, self.host), self.port))
        except OSError:
            pass
        self.sock.close()


def register(session_factory, gateway_id: str, wakeups: Wakeups, *, if_gone: bool = False
             ) -> None:
    """Write this gateway's wake-up address (`if_gone`: only when its row is missing, as the
    fallback poll checks)."""
    from api.gateway_port import register_wakeup, wakeup_address

    with session_factory() as db:
        if if_gone and wakeup_address(db, gateway_id) is not None:
            return
        register_wakeup(db, gateway_id, wakeups.host, wakeups.port)
    log.info("command wake-ups", extra={"event": "command_wakeups", "gateway_id": gateway_id,
                                        "address": f"{wakeups.host}:{wakeups.port}"})


def claim_once(session_factory, gateway_id: str, deliver) -> int:
    """Claim this gateway's pending commands and `deliver(command_id, live_id, kind, order)`
    each; `order` is a transfer's order, read in the same session (None for other kinds, or
    when it could not be read: the call thread reads it again)."""
    from api.gateway_port import claim_commands

    from . import callthrough, transfers

    orders: dict[int, dict | None] = {}
    with session_factory() as db:
        claimed = claim_commands(db, gateway_id)
        for command_id, _live_id, kind in claimed:
            read_order = callthrough.read_order if kind == "call" else transfers.read_order
            try:
                orders[command_id] = read_order(db, command_id, kind)
            except Exception:  # the call thread reads it again (recorder): only slower
                log.warning("transfer order not read", exc_info=True,
                            extra={"event": "command_prefetch_error"})
    for command_id, live_id, kind in claimed:
        deliver(command_id, live_id, kind, orders.get(command_id))
    return len(claimed)


def dispatch(gw, command_id: int, live_id: int, kind: str, order: dict | None = None) -> None:
    """On the call thread: a command from the API for one of this gateway's calls (`gw` is
    the adapter, which knows its calls by their live row's id)."""
    from api.gateway_port import finish_command

    from . import callthrough, transfers
    from .core.callhold import HoldCommand
    from .core.callmessages import HangupCommand

    if kind == "call":   # a call the user places from the app: no call to act on yet
        return callthrough.start(gw, command_id, order)
    session = gw.by_live_id.get(live_id)
    if session is not None and kind.startswith("transfer"):
        return transfers.command(gw, session, command_id, kind, order)
    if session is not None and kind in ("hold", "retrieve"):
        return session.feed(HoldCommand(command_id, kind == "hold"))
    if session is not None and kind == "take_back":
        return _take_back(gw, session, command_id)
    if session is None or kind != "hangup":
        why = N_("no such call on this gateway") if session is None else \
            N_("unknown command {kind}").format(kind=kind)
        gw.recorder.submit(finish_command, command_id, "failed", why)
        return
    session.feed(HangupCommand(command_id))


def _take_back(gw, session, command_id: int) -> None:
    """From voicemail: the user's devices ring again, then the rest of their plan. A plan
    that rings none of their devices (their profile sends callers to voicemail) refuses it,
    and the caller goes on in voicemail."""
    from api.gateway_port import finish_command

    from . import joined, transfers
    from .core.mailbox import TakeBack

    steps = transfers.back_steps(joined.plan_of(session))
    if not steps:
        why = N_("refused: your plan rings none of your devices")
        gw.recorder.submit(finish_command, command_id, "failed", why)
        return
    session.feed(TakeBack(command_id, steps))


def close_stale_queue_calls(session_factory) -> int:
    """Close the queue calls a killed gateway left waiting (any gateway may, see
    `api.queues.calls.close_stale`), so the live status and the queue log stay true."""
    from api.gateway_port import close_stale_queue_calls as close_stale

    with session_factory() as db:
        closed = close_stale(db)
    if closed:
        log.info("stale queue calls closed", extra={"event": "queue_stale_closed",
                                                   "closed": closed})
    return closed


def close_silent_gateways_calls(session_factory, gateway_id: str, silent_after: float) -> int:
    """Finish the live calls of gateways without a heartbeat for `silent_after` seconds
    (never this gateway's own)."""
    from api.gateway_port import close_silent

    with session_factory() as db:
        return close_silent(db, silent_after, but=gateway_id)


def beat(session_factory, gateway_id: str, wakeups: Wakeups) -> None:
    """This gateway's heartbeat; its endpoint row again when it went missing."""
    from api.gateway_port import heartbeat

    with session_factory() as db:
        if heartbeat(db, gateway_id):
            return
    register(session_factory, gateway_id, wakeups)


def run(session_factory, gateway_id: str, deliver, wakeups: Wakeups, interval: float,
        stopped: threading.Event, sweep_s: float = STALE_SWEEP_S,
        heartbeat_s: float | None = None, silent_after: float | None = None) -> None:
    """The command thread: claim when woken, or every `interval` seconds, until `stopped`.
    A poll also puts back this gateway's address if it went missing from the database; every
    `heartbeat_s` it writes the heartbeat and closes the calls of gateways silent for
    `silent_after` seconds; at start then every `sweep_s` it closes stale queue calls.

    After this gateway's own heartbeat failed (the database was out of reach, for the others
    too, most likely), it closes no other gateway's calls until its heartbeats have gone
    through for `silent_after` again: the others had as long to write theirs."""
    from api import gateway_port as port

    heartbeat_s = port.HEARTBEAT_S if heartbeat_s is None else heartbeat_s
    silent_after = port.silent_after_s() if silent_after is None else silent_after
    woken, swept, beaten = True, None, None
    judge_from = time.monotonic()   # when this gateway may judge the others' silence
    while not stopped.is_set():
        if beaten is None or time.monotonic() - beaten >= heartbeat_s:
            beaten = time.monotonic()
            if _beat(session_factory, gateway_id, wakeups):
                if time.monotonic() >= judge_from:
                    _guarded("closing silent gateways' calls", close_silent_gateways_calls,
                             session_factory, gateway_id, silent_after)
            else:
                judge_from = time.monotonic() + silent_after
        elif not woken:
            _guarded("registering the address", register, session_factory, gateway_id, wakeups, if_gone=True)
        try:
            claim_once(session_factory, gateway_id, deliver)
        except Exception:
            log.warning("command claim failed", exc_info=True,
                        extra={"event": "command_poll_error"})
        if swept is None or time.monotonic() - swept >= sweep_s:
            swept = time.monotonic()
            _guarded("closing stale queue calls", close_stale_queue_calls, session_factory)
        woken = wakeups.wait(min(interval, heartbeat_s))   # a slow poll still beats


def _beat(session_factory, gateway_id: str, wakeups: Wakeups) -> bool:
    try:
        beat(session_factory, gateway_id, wakeups)
        return True
    except Exception:
        log.warning("heartbeat not written", exc_info=True,
                    extra={"event": "command_poll_error"})
        return False


def _guarded(what: str, fn, *args, **kw) -> None:
    try:
        fn(*args, **kw)
    except Exception:
        log.warning(f"{what} failed", exc_info=True, extra={"event": "stale_sweep_error"})
