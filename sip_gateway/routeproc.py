"""Routing in a worker process of the gateway's own.

Routing a call (who is called, who calls, the plan at this instant, the caller lookup) is a
dozen database queries, milliseconds of interpreter time per call; on a thread of the gateway
process it holds the interpreter lock the pjsua thread needs for every SIP message. In a
process of its own it runs on the other core.

`RoutingProcess(database_url, uris).ask(then, *args)` takes the `Store.route` arguments and
returns at once: the call thread writes the request to the pipe itself and `then(route)` runs
on the answers' reader thread (which hands it back to the call thread): no routing thread
wakes in between, on the way out or back. Requests go over one pipe as they come (the worker
takes the next one as soon as it is done); the gateway's admission limit bounds how many wait
in it, far below what the socket holds, so writing never blocks the call thread.
`route(*args)` waits for the answer (for callers that may block). One worker process: the "last known plan" cache used
while the database is down lives there, for every number. A worker that dies is started
again; the calls it was routing get an error (the gateway answers them 503, logged).
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing
import signal
import threading

log = logging.getLogger("sip_gateway")
START_TIMEOUT_S = 60.0


class RoutingProcessDied(RuntimeError):
    pass


def _worker(conn, database_url: str, uris: dict) -> None:
    from bootstrap import routing_worker

    from .store import Store

    # the gateway decides when its worker ends (by closing the pipe), not a terminal's Ctrl-C
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = Store(routing_worker(database_url).sessions, uris)
    _warm(store)
    conn.send(("ready", True, None))
    while True:
        try:
            key, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send((key, True, store.route(*args)))
        except Exception as exc:  # Store.route handles the database itself; anything else
            log.exception("routing failed", extra={"event": "route_error"})
            conn.send((key, False, repr(exc)))


def _warm(store) -> None:
    """What the first calls would otherwise pay for: the routing modules' imports, the phone
    number metadata, the prepared lookups and the first database connection (a number
    nobody has: nothing is written, nothing remembered)."""
    import phonenumbers

    from api import gateway_port

    phonenumbers.parse("+4722000000")
    gateway_port.warm_up(store.sessions.kw["bind"].dialect)
    try:
        store.route("0", "0", set())
    except Exception:  # a database not there yet: the first call connects instead
        log.warning("routing warm-up failed", exc_info=True, extra={"event": "route_warm_error"})


def _answer(then, result) -> None:
    try:
        then(result)
    except Exception:
        log.exception("after routing", extra={"event": "route_error"})


class RoutingProcess:
    def __init__(self, database_url: str, uris: dict) -> None:
        self._args = (database_url, uris)
        self._keys = itertools.count()
        self._lock = threading.Lock()
        self._waiting: dict[int, object] = {}  # key -> then(route, or the exception)
        self._stopping = False
        self._start()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(theirs, *self._args), name="gateway-routing",
                           daemon=True)
        proc.start()
        theirs.close()
        if not ours.poll(START_TIMEOUT_S):
            proc.kill()
            raise RuntimeError("the routing process did not start")
        ours.recv()  # ready: imported and connected before calls come
        self._conn, self._proc = ours, proc
        threading.Thread(target=self._read, args=(ours,), name="gateway-routing-answers",
                         daemon=True).start()

    def _read(self, conn) -> None:
        while True:
            try:
                key, ok, result = conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                then = self._waiting.pop(key, None)
            if then is not None:
                _answer(then, result if ok else RoutingProcessDied(result))
        self._died(conn)

    def _died(self, conn) -> None:
        with self._lock:
            pending, self._waiting = self._waiting, {}
            restart = not self._stopping and conn is self._conn
        for then in pending.values():
            _answer(then, RoutingProcessDied("the routing process died"))
        if restart:
            log.warning("routing process died: starting it again",
                        extra={"event": "routing_process_restart"})
            self._start()

    def ask(self, then, *args) -> None:
        """`Store.route(*args)` by the worker; `then(route)` on the reader thread, or
        `then(RoutingProcessDied)` when the worker is gone or dies meanwhile."""
        with self._lock:
            key = next(self._keys)
            self._waiting[key] = then
            try:
                self._conn.send((key, args))
            except OSError:
                self._waiting.pop(key, None)
                died = True
            else:
                died = False
        if died:
            _answer(then, RoutingProcessDied("the routing process is not running"))

    def route(self, *args):
        """`Store.route(*args)`, waiting for the worker's answer."""
        done, answer = threading.Event(), []
        self.ask(lambda result: (answer.append(result), done.set()), *args)
        done.wait()
        if isinstance(answer[0], RoutingProcessDied):
            raise answer[0]
        return answer[0]

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
        self._conn.close()
        self._proc.join(2.0)
        if self._proc.is_alive():
            self._proc.kill()
